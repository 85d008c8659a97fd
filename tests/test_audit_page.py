"""The audit log's page: center admins read the entries of their subtree with filters (account,
node, action, date range, outcome, one object) and export them through the formula-safe cells;
no one else opens it; a page costs a fixed number of queries."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from network import audit
from network.models import AuditAction, AuditEntry, AuditOutcome

from .cases.conftest import make_household


def _listed(response):
    return list(response.context["page"].object_list)


def test_a_township_admin_reads_his_subtree_only(client, township_admin, colleague, outsider, center_admin):
    mine = audit.record(colleague, AuditAction.LOGIN)
    audit.record(outsider, AuditAction.LOGIN)
    audit.record(center_admin, AuditAction.LOGIN)
    client.force_login(township_admin)
    listed = _listed(client.get(reverse("audit_list"), {"action": AuditAction.LOGIN}))
    # his own login (force_login) and his colleague's; never the sibling township's or the center's
    assert mine in listed and {e.user for e in listed} == {colleague, township_admin}


def test_the_center_also_reads_failed_logins_of_names_that_are_no_account(client, center_admin, township_admin):
    unknown = audit.record(None, AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILURE, detail="不存在的用户名")
    client.force_login(center_admin)
    assert unknown in _listed(client.get(reverse("audit_list")))
    client.force_login(township_admin)
    assert unknown not in _listed(client.get(reverse("audit_list")))


def test_clerks_reviewers_and_leaders_do_not_open_it(client, colleague, township_reviewer, center_leader):
    for user in (colleague, township_reviewer, center_leader):
        client.force_login(user)
        assert client.get(reverse("audit_list")).status_code == 403
        assert client.get(reverse("audit_export")).status_code == 403


def test_the_filters_narrow_by_account_node_action_outcome_and_dates(
    client, time_machine, center_admin, colleague, township, outsider
):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=10))
    old = audit.record(colleague, AuditAction.EXPORT, object_type="cases.household", row_count=5)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=10))
    failed = audit.record(colleague, AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILURE)
    sibling = audit.record(outsider, AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILURE)
    client.force_login(center_admin)
    url = reverse("audit_list")
    assert _listed(client.get(url, {"user": colleague.pk})) == [failed, old]
    assert set(_listed(client.get(url, {"node": township.pk}))) == {failed, old}
    assert _listed(client.get(url, {"action": AuditAction.EXPORT})) == [old]
    assert _listed(client.get(url, {"outcome": AuditOutcome.FAILURE})) == [sibling, failed]
    today = timezone.localdate()
    assert old not in _listed(client.get(url, {"since": today - datetime.timedelta(days=1)}))
    assert _listed(client.get(url, {"until": today - datetime.timedelta(days=5)})) == [old]


def test_one_dossiers_entries_answer_who_looked_exported_and_paid(client, center_admin, community, community_clerk):
    household = make_household(community, community_clerk)
    other = make_household(community, community_clerk, head_name="李四")
    client.force_login(center_admin)
    client.get(reverse("cases:household_detail", args=[household.pk]))
    client.get(reverse("cases:household_pdf", args=[household.pk]))
    client.get(reverse("cases:household_detail", args=[other.pk]))
    response = client.get(reverse("audit_list"), {"object_type": "cases.household", "object_id": household.pk})
    assert [e.action for e in _listed(response)] == [AuditAction.EXPORT, AuditAction.DOSSIER_VIEW]
    # the dossier page links there for whoever may read the log
    page = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    assert f"{reverse('audit_list')}?object_type=cases.household&amp;object_id={household.pk}" in page


def test_the_page_costs_the_same_queries_however_many_entries(client, center_admin, colleague,
                                                              django_assert_max_num_queries):
    for _n in range(150):
        audit.record(colleague, AuditAction.DOSSIER_VIEW, object_type="cases.household", object_id=1)
    client.force_login(center_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit_list"))
    assert len(_listed(response)) == 100


def test_the_export_holds_the_filtered_entries_as_text_and_is_an_entry_itself(
    client, center_admin, colleague, django_assert_max_num_queries
):
    audit.record(colleague, AuditAction.EXPORT, object_type="cases.household", row_count=7, detail="=HYPERLINK(\"x\")")
    client.force_login(center_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit_export"), {"user": colleague.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "miyang_clerk" and rows[0][4] == "导出" and rows[0][9] == 7
    assert rows[0][10] == "'=HYPERLINK(\"x\")"  # what was typed stays text, never a formula
    export = AuditEntry.objects.filter(user=center_admin, action=AuditAction.EXPORT).get()
    assert (export.object_type, export.row_count, export.detail) == ("network.auditentry", 1, "审计日志；筛选：账号")
