from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request):
    """The navigation bar, by what the user's role lets him open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", _("首页"), reverse("home"))]
    if user.has_perm("cases.view_household"):
        items.append(("cases", _("困难职工档案"), reverse("cases:household_list")))
        items.append(("worklist", _("我的待办"), reverse("cases:worklist")))
    if user.has_perm("cases.view_noticebatch"):
        items.append(("notices", _("公示"), reverse("cases:notice_list")))
    if user.has_perm("cases.view_dibaostandard"):
        items.append(("standards", _("低保标准"), reverse("cases:standard_list")))
    if user.has_perm("outreach.view_fund"):
        items.append(("funds", _("资金"), reverse("outreach:fund_list")))
    if user.has_perm("outreach.view_campaign"):
        items.append(("campaigns", _("送温暖"), reverse("outreach:campaign_list")))
    if user.has_perm("outreach.view_cadre"):
        items.append(("pairing", _("结对帮扶"), reverse("outreach:cadre_list")))
    if user.has_perm("network.view_node"):
        items.append(("network", _("四级网络"), reverse("network:node_tree")))
    if user.has_perm("network.view_user"):
        items.append(("staff", _("工作人员"), reverse("network:staff_list")))
    if user.has_perm("network.view_auditentry"):
        items.append(("audit", _("审计日志"), reverse("audit_list")))
    if user.is_staff:
        items.append(("admin", _("后台"), reverse("admin:index")))
    match = request.resolver_match
    current = ""
    if match:
        current = {"worklist": "worklist", "household_list": "cases", "staff_list": "staff",
                   "audit_list": "audit"}.get(match.url_name, "")
        if not current and match.url_name and match.url_name.startswith(("notice", "objection")):
            current = "notices"
        if not current and match.url_name and match.url_name.startswith("standard"):
            current = "standards"
        if not current and match.namespace == "outreach" and match.url_name.startswith(("fund", "aid", "shortage")):
            current = "funds"
        if not current and match.namespace == "outreach" and match.url_name.startswith("campaign"):
            current = "campaigns"
        if not current and match.namespace == "outreach" and match.url_name.startswith(("cadre", "pairing")):
            current = "pairing"
        current = current or {"network": "network", "cases": "cases", "admin": "admin"}.get(match.namespace, "")
        if match.namespace == "network" and match.url_name.startswith("staff"):
            current = "staff"
        if match.namespace == "network" and match.url_name.startswith("job"):
            current = ""  # a job belongs to the page that started it, not to the network
    return {"nav_items": items, "nav_current": current}
