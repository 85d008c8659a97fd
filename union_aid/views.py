from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

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
