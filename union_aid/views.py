from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.models import Household
from cases.worklist import worklist_counts
from network.models import Node, User


@login_required
def home(request):
    """What waits for this user, by role: real counts from his own subtree."""
    user = request.user
    cards = [
        {"label": label, "count": count, "url": "cases:worklist", "anchor": key, "urgent": True}
        for key, label, count in worklist_counts(user)
    ]
    if user.has_perm("cases.view_household"):
        households = Household.objects.visible_to(user)
        cards.append({"label": _("辖区在档困难职工户"), "count": households.on_file().count(), "url": "cases:household_list"})
    if user.has_perm("network.view_node"):
        cards.append({"label": _("辖区网络节点"), "count": Node.objects.visible_to(user).count(), "url": "network:node_tree"})
    if user.has_perm("network.view_user"):
        cards.append({"label": _("辖区在岗工作人员"), "count": User.objects.visible_to(user).filter(is_active=True).count(),
                      "url": "network:staff_list"})
    return render(request, "union_aid/home.html", {"cards": cards})


@never_cache
@require_GET
def session_keep_alive(request):
    """Called by static/js/session.js while someone types into a form, or when he asks for more
    time: the request itself pushes the session's expiry forward (SESSION_SAVE_EVERY_REQUEST).
    204 for a signed-in user, with the CSRF token a page needs after he signed in again in another
    tab and who is signed in now; 401 once the session has ended (never the login page)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    response = HttpResponse(status=204)
    response["X-CSRF-Token"] = get_token(request)
    response["X-Session-User"] = str(request.user.pk)
    response["X-Session-Age"] = str(request.session.get_expiry_age())
    return response
