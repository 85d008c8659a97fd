from django.urls import reverse


def navigation(request):
    """The navigation bar, by what the user's role lets him open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", "首页", reverse("home"))]
    if user.has_perm("network.view_node"):
        items.append(("network", "四级网络", reverse("network:node_tree")))
    if user.has_perm("network.view_user"):
        items.append(("staff", "工作人员", reverse("network:staff_list")))
    if user.is_staff:
        items.append(("admin", "后台审核", reverse("admin:index")))
    current = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav_items": items, "nav_current": current}
