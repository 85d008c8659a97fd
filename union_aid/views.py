from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from network.models import Node, User


@login_required
def home(request):
    """What waits for this user, by role: real counts from his own subtree."""
    user = request.user
    cards = []
    if user.has_perm("network.view_node"):
        nodes = Node.objects.visible_to(user)
        cards.append({"label": "辖区网络节点", "count": nodes.count(), "url": "network:node_tree"})
    if user.has_perm("network.view_user"):
        cards.append(
            {
                "label": "辖区在岗工作人员",
                "count": User.objects.visible_to(user).filter(is_active=True).count(),
                "url": "network:staff_list",
            }
        )
    return render(request, "union_aid/home.html", {"cards": cards})
