"""The dossier side of the audit log: seeing a dossier, revealing its numbers, every export,
approval, return and exit, and the 低保 standards each write exactly one entry, naming the object
by type and id and never a personal value (the suite-wide check in tests/conftest.py searches every
entry for the households' names, numbers, addresses and illnesses)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import DibaoStandard, ExitReason, Status
from network.models import AuditAction, AuditEntry, AuditOutcome

from .conftest import make_standard
from .test_workflow import draft, people, walk  # noqa: F401  fixtures and the road through the services


def only_entry(**lookup):
    entries = list(AuditEntry.objects.filter(**lookup))
    assert len(entries) == 1, entries
    return entries[0]


def test_opening_a_dossier_writes_one_view_entry_with_the_address(client, draft, center_admin):
    client.force_login(center_admin)
    client.get(reverse("cases:household_detail", args=[draft.pk]), REMOTE_ADDR="10.0.0.7")
    entry = only_entry(action__in=[AuditAction.DOSSIER_VIEW, AuditAction.REVEAL])
    assert (entry.action, entry.object_type, entry.object_id, entry.outcome) == (
        AuditAction.DOSSIER_VIEW, "cases.household", str(draft.pk), AuditOutcome.SUCCESS)
    assert (entry.user, entry.username, entry.user_name, entry.node, entry.node_name) == (
        center_admin, "center_admin", "李建华", center_admin.node, "弥勒县困难职工援助分中心")
    assert entry.ip_address == "10.0.0.7"


def test_revealing_full_numbers_writes_one_reveal_entry_instead_of_the_view(client, draft, center_admin):
    client.force_login(center_admin)
    client.get(reverse("cases:household_detail", args=[draft.pk]) + "?unmask=1")
    entry = only_entry(action__in=[AuditAction.DOSSIER_VIEW, AuditAction.REVEAL])
    assert (entry.action, entry.object_id, entry.detail) == (AuditAction.REVEAL, str(draft.pk), "档案页")


def test_the_roster_export_names_its_filters_but_not_their_values(client, draft, center_admin):
    client.force_login(center_admin)
    client.get(reverse("cases:household_export"), {"q": "张志强", "category": "relative"})
    entry = only_entry(action=AuditAction.EXPORT)
    assert entry.object_type == "cases.household" and entry.row_count == 1
    assert entry.detail == "档案花名册；筛选：搜索、困难类别"
    assert "张志强" not in entry.detail


def test_an_unmasked_export_is_one_export_entry_that_says_so(client, draft, center_admin):
    client.force_login(center_admin)
    client.get(reverse("cases:household_export"), {"unmask": "1"})
    entry = only_entry(action__in=[AuditAction.EXPORT, AuditAction.REVEAL])
    assert entry.action == AuditAction.EXPORT and entry.detail == "档案花名册；筛选：无；含完整号码"


def test_printing_a_dossier_and_a_notice_list_are_exports(client, draft, people, center_admin):
    walk(draft, people, Status.IN_NOTICE)
    batch = draft.notice_entries.get().batch
    client.force_login(center_admin)
    client.get(reverse("cases:household_pdf", args=[draft.pk]))
    client.get(reverse("cases:notice_pdf", args=[batch.pk]))
    dossier, notice = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (dossier.object_type, dossier.object_id, dossier.row_count) == ("cases.household", str(draft.pk), 1)
    assert (notice.object_type, notice.object_id, notice.row_count, notice.detail) == (
        "cases.noticebatch", str(batch.pk), 1, "公示名单 PDF")


def test_approval_return_and_exit_each_write_one_entry(draft, people):
    walk(draft, people, Status.SUBMITTED)
    services.household_return(household=draft, actor=people.reviewer, reason="收入证明缺失，户主张志强请补交")
    returned = only_entry(action=AuditAction.RETURN)
    assert (returned.user, returned.object_id, returned.detail) == (people.reviewer, str(draft.pk), "")

    walk(draft, people, Status.APPROVED)
    approved = only_entry(action=AuditAction.APPROVE)
    assert (approved.user, approved.object_type, approved.object_id) == (people.admin, "cases.household", str(draft.pk))

    services.household_exit(household=draft, actor=people.reviewer, reason=ExitReason.OUT_OF_HARDSHIP)
    exited = only_entry(action=AuditAction.EXIT)
    assert (exited.user, exited.detail) == (people.reviewer, "解困脱困")


def test_a_refused_move_leaves_no_entry(draft, people):
    try:
        services.household_approve(household=draft, actor=people.admin)
    except services.WorkflowError:
        pass
    assert not AuditEntry.objects.filter(action=AuditAction.APPROVE).exists()


def test_setting_and_changing_a_dibao_standard_write_one_entry_each(client, center, center_admin):
    client.force_login(center_admin)
    year = timezone.localdate().year + 1
    client.post(reverse("cases:standard_create"), {"node": center.pk, "year": year, "urban_monthly": "720.00",
                                                   "rural_monthly": "580.00", "note": ""})
    standard = DibaoStandard.objects.get(year=year)
    client.post(reverse("cases:standard_edit", args=[standard.pk]), {"node": center.pk, "year": year,
                                                                    "urban_monthly": "750.00", "rural_monthly": "580.00",
                                                                    "note": ""})
    standard.refresh_from_db()
    assert standard.urban_monthly == Decimal("750.00")
    set_, changed = AuditEntry.objects.filter(action=AuditAction.STANDARD_CHANGE).order_by("pk")
    assert set_.object_id == changed.object_id == str(standard.pk)
    assert changed.detail == f"{year}年 弥勒县困难职工援助分中心：城镇 750.00 元，农村 580.00 元"


def test_a_standard_saved_in_the_admin_is_audited_too(client, center, center_admin):
    standard = make_standard(center, year=2020)
    client.force_login(center_admin)
    client.post(reverse("admin:cases_dibaostandard_change", args=[standard.pk]),
                {"node": center.pk, "year": 2020, "urban_monthly": "760.00", "rural_monthly": "600.00", "note": ""})
    assert only_entry(action=AuditAction.STANDARD_CHANGE).object_id == str(standard.pk)


def test_the_back_office_page_of_a_dossier_is_a_view_when_masked_and_a_reveal_in_full(
    client, draft, center_admin, center_leader
):
    url = reverse("admin:cases_household_change", args=[draft.pk])
    client.force_login(center_leader)  # a leader sees the numbers masked
    assert client.get(url).status_code == 200
    viewed = only_entry(action__in=[AuditAction.DOSSIER_VIEW, AuditAction.REVEAL])
    assert (viewed.action, viewed.user, viewed.object_id, viewed.detail) == (
        AuditAction.DOSSIER_VIEW, center_leader, str(draft.pk), "后台")
    client.force_login(center_admin)  # an admin sees them in full
    assert client.get(url).status_code == 200
    revealed = only_entry(user=center_admin, action__in=[AuditAction.DOSSIER_VIEW, AuditAction.REVEAL])
    assert (revealed.action, revealed.detail) == (AuditAction.REVEAL, "后台")
