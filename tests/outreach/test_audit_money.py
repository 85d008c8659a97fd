"""The money side of the audit log: every receipt, allocation, payment and reversal, and every
export of the money pages, writes exactly one entry; a payment and its reversal name the family,
so that "who paid them" is one filter of the audit page. A refused move leaves no entry."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.rules import WorkflowError
from network.models import AuditAction, AuditEntry
from outreach import services
from outreach.models import Program

from .campaign_data import make_township_campaign
from .conftest import make_fund, make_on_file


def only(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


@pytest.fixture
def on_file(community, community_clerk, standard):
    return make_on_file(community, community_clerk)


def test_a_receipt_and_an_allocation_write_one_entry_each(center, township, keeper):
    center_fund = make_fund(center, balance="10000", keeper=keeper)
    township_fund = make_fund(township, name="弥阳镇送温暖基金")
    services.fund_allocate(source=center_fund, target=township_fund, actor=keeper, amount="2500.50",
                           document_number="弥工发〔2026〕9号")
    receipt, allocation = only(AuditAction.RECEIPT), only(AuditAction.ALLOCATION)
    assert (receipt.user, receipt.object_type, receipt.object_id, receipt.detail) == (
        keeper, "outreach.fund", str(center_fund.pk), "拨入 10000.00 元")
    assert (allocation.object_id, allocation.detail) == (str(center_fund.pk), f"调入资金 #{township_fund.pk}，2500.50 元")


def test_a_payment_and_its_reversal_name_the_family(center, community_clerk, keeper, second_keeper, on_file):
    fund = make_fund(center, balance="5000", keeper=keeper)
    aid = services.aid_plan(household=on_file, program=Program.LIVING, actor=community_clerk,
                            given_on=timezone.localdate(), cash="300", fund=fund)
    assert not AuditEntry.objects.filter(action=AuditAction.PAYMENT).exists()  # planned: no money moved yet
    services.aid_pay(aid=aid, actor=keeper)
    services.aid_reverse(aid=aid, actor=second_keeper, reason="发错户，户主本人已说明")
    paid, reversed_ = only(AuditAction.PAYMENT), only(AuditAction.REVERSAL)
    assert (paid.user, paid.object_type, paid.object_id) == (keeper, "cases.household", str(on_file.pk))
    assert paid.detail == f"帮扶记录 #{aid.pk}（生活救助），资金 #{fund.pk}，现金 300.00 元，物品折价 0.00 元"
    assert (reversed_.user, reversed_.object_id) == (second_keeper, str(on_file.pk))
    assert "发错户" not in reversed_.detail


def test_an_overdraft_leaves_no_payment_entry(center, community_clerk, keeper, on_file):
    fund = make_fund(center, balance="100", keeper=keeper)
    aid = services.aid_plan(household=on_file, program=Program.LIVING, actor=community_clerk,
                            given_on=timezone.localdate(), cash="300", fund=fund)
    with pytest.raises(WorkflowError):
        services.aid_pay(aid=aid, actor=keeper)
    assert not AuditEntry.objects.filter(action=AuditAction.PAYMENT).exists()


def test_the_shortage_export_and_a_sign_off_sheet_are_exports(client, center_admin, township, community,
                                                              community_clerk):
    campaign = make_township_campaign(township, community, community_clerk, center_admin)
    client.force_login(center_admin)
    client.get(reverse("outreach:shortage_export"), {"year": timezone.localdate().year})
    client.get(reverse("outreach:campaign_signoff_pdf", args=[campaign.pk, community.pk]))
    shortage, sheet = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (shortage.object_type, shortage.detail) == ("outreach.fund", f"{timezone.localdate().year}年资金缺口表")
    assert (sheet.object_type, sheet.object_id, sheet.row_count) == ("outreach.campaign", str(campaign.pk), 1)
