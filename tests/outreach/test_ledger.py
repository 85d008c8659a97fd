"""Funds and the one aid ledger: exact to the fen, never below zero, append-only, and every refusal
in Chinese with nothing written."""

import datetime
import io
import random
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from cases.models import Household, Status
from cases.rules import WorkflowError
from network.models import Role
from outreach import services
from outreach.models import AidRecord, AidState, Campaign, EntryKind, Fund, LedgerEntry, Program

from ..conftest import make_user
from .conftest import make_fund, make_on_file

TODAY = timezone.localdate


def state():
    """Everything money can move: to show that a refusal wrote nothing."""
    return (list(Fund.objects.order_by("pk").values_list("pk", "balance_fen")), LedgerEntry.objects.count(),
            list(AidRecord.objects.order_by("pk").values_list("pk", "state")))


def refused(message, move, **kwargs):
    before = state()
    with pytest.raises(WorkflowError) as error:
        move(**kwargs)
    assert message in error.value.messages[0]
    assert state() == before


def pay(household, fund, clerk, keeper, cash, **fields):
    aid = services.aid_plan(household=household, program=Program.LIVING, actor=clerk, given_on=TODAY(), cash=cash,
                            fund=fund, **fields)
    return services.aid_pay(aid=aid, actor=keeper)


@pytest.fixture
def on_file(community, community_clerk, standard):
    return make_on_file(community, community_clerk)


# --- exact money ----------------------------------------------------------------------------------


def test_thirty_fen_less_ten_leaves_exactly_twenty_to_pay(center, community_clerk, keeper, on_file):
    """The case a DecimalField on SQLite gets wrong (0.30 − 0.10 = 0.19999999999999998)."""
    fund = make_fund(center, balance="0.30", keeper=keeper)
    pay(on_file, fund, community_clerk, keeper, "0.10")
    pay(on_file, fund, community_clerk, keeper, "0.20")
    fund.refresh_from_db()
    assert fund.balance_fen == 0 and fund.balance == Decimal("0.00")


def test_many_small_amounts_sum_to_the_fen(center, keeper):
    fund = make_fund(center, keeper=keeper)
    amounts = [Decimal("0.10"), Decimal("0.20")] * 150
    for amount in amounts:
        services.fund_receive(fund=fund, actor=keeper, amount=amount, document_number="凭证")
    fund.refresh_from_db()
    assert fund.balance == sum(amounts) == Decimal("45.00")
    assert LedgerEntry.objects.filter(fund=fund).aggregate(total=Sum("amount_fen"))["total"] == 4500


def test_a_hundred_thousand_ledger_rows_sum_in_the_database_as_in_python(center, keeper):
    fund = make_fund(center, keeper=keeper)
    rng = random.Random(11)
    amounts = [rng.randint(1, 999_999) for _ in range(100_000)]
    balance = 0
    rows = []
    for amount in amounts:
        balance += amount
        rows.append(LedgerEntry(fund=fund, kind=EntryKind.RECEIPT, amount_fen=amount, balance_after_fen=balance,
                                recorded_by=keeper))
    LedgerEntry.objects.bulk_create(rows, batch_size=5000)
    assert LedgerEntry.objects.filter(fund=fund).aggregate(total=Sum("amount_fen"))["total"] == sum(amounts)


# --- the database holds the rules -------------------------------------------------------------------


def test_a_direct_update_below_zero_is_refused_by_the_database(center, keeper):
    fund = make_fund(center, balance="5.00", keeper=keeper)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(balance_fen=F("balance_fen") - 501)


def test_a_ledger_entry_cannot_be_updated_or_deleted(center, keeper):
    fund = make_fund(center, balance="5.00", keeper=keeper)
    entry = LedgerEntry.objects.get(fund=fund)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount_fen == 500


def test_a_second_live_payment_to_a_household_in_one_campaign_is_refused_by_the_database(
    center, center_admin, community_clerk, keeper, on_file
):
    fund = make_fund(center, balance="1000", keeper=keeper)
    campaign = Campaign.objects.create(node=center, year=TODAY().year, occasion="spring", name="春节送温暖",
                                       fund=fund, budget_fen=100000, starts_on=TODAY(), ends_on=TODAY(),
                                       created_by=center_admin)
    services.aid_plan(household=on_file, program=Program.HOLIDAY, actor=community_clerk, given_on=TODAY(), cash="300",
                      fund=fund, campaign=campaign)
    refused("该户在本次活动中已有一笔发放。", services.aid_plan, household=on_file, program=Program.HOLIDAY,
            actor=community_clerk, given_on=TODAY(), cash="300", fund=fund, campaign=campaign)


# --- receipts, allocations, payments, reversals -----------------------------------------------------------


def test_an_allocation_moves_money_from_the_center_to_a_township_in_two_entries_that_sum_to_zero(
    center, township, keeper
):
    center_fund = make_fund(center, balance="10000", keeper=keeper)
    township_fund = make_fund(township, name="弥阳镇送温暖基金")
    out, into = services.fund_allocate(source=center_fund, target=township_fund, actor=keeper, amount="2500.50",
                                       document_number="弥工发〔2026〕9号")
    center_fund.refresh_from_db()
    township_fund.refresh_from_db()
    assert (center_fund.balance, township_fund.balance) == (Decimal("7499.50"), Decimal("2500.50"))
    assert out.amount_fen + into.amount_fen == 0 and into.counterpart == out
    assert services.ledger_differences() == []


def test_paying_records_the_household_as_it_was_and_its_last_aided_date(
    center, community_clerk, keeper, on_file
):
    fund = make_fund(center, balance="1000", keeper=keeper)
    aid = pay(on_file, fund, community_clerk, keeper, "600")
    on_file.refresh_from_db()
    assert aid.state == AidState.PAID and aid.paid_by == keeper
    assert (aid.category_at_payment, aid.per_capita_at_payment) == (on_file.category, on_file.per_capita_monthly_income)
    assert on_file.last_aided_at == aid.paid_at
    entry = LedgerEntry.objects.get(aid=aid)
    assert (entry.kind, entry.amount_fen, entry.balance_after_fen) == (EntryKind.AID, -60000, 40000)
    # a later edit of the dossier does not change the past payment
    Household.objects.filter(pk=on_file.pk).update(category="relative")
    aid.refresh_from_db()
    assert aid.category_at_payment == "deep"


def test_a_reversal_by_a_second_person_restores_the_fund_exactly_and_the_last_aided_date(
    center, community_clerk, keeper, second_keeper, on_file
):
    fund = make_fund(center, balance="1000", keeper=keeper)
    first = pay(on_file, fund, community_clerk, keeper, "100.10")
    second = pay(on_file, fund, community_clerk, keeper, "200.20")
    refused("冲销须由确认发放以外的另一人办理。", services.aid_reverse, aid=second, actor=keeper, reason="重复发放")
    services.aid_reverse(aid=second, actor=second_keeper, reason="重复发放")
    fund.refresh_from_db()
    on_file.refresh_from_db()
    assert fund.balance == Decimal("899.90")
    assert on_file.last_aided_at == AidRecord.objects.get(pk=first.pk).paid_at
    refused("该记录已冲销或作废，不能再次冲销", services.aid_reverse, aid=second, actor=second_keeper, reason="再冲一次")
    services.aid_reverse(aid=first, actor=second_keeper, reason="发错户")
    on_file.refresh_from_db()
    assert on_file.last_aided_at is None
    assert services.ledger_differences() == []


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cash, message", [("0", "请填写发放的现金或物品"), ("-50", "金额必须大于0元"),
                                           ("10000000000", "金额不能超过"), ("1.234", "精确到分"), ("abc", "请填写金额")])
def test_a_zero_negative_absurd_or_malformed_amount_is_refused(center, community_clerk, keeper, on_file, cash, message):
    fund = make_fund(center, balance="1000", keeper=keeper)
    refused(message, services.aid_plan, household=on_file, program=Program.LIVING, actor=community_clerk,
            given_on=TODAY(), cash=cash, fund=fund)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.EXITED])
def test_aid_to_a_dossier_not_on_file_is_refused(center, community, community_clerk, keeper, standard, status):
    fund = make_fund(center, balance="1000", keeper=keeper)
    household = make_on_file(community, community_clerk)
    Household.objects.filter(pk=household.pk).update(status=status)
    refused("只有在档的困难职工家庭才能接受帮扶", services.aid_plan, household=household, program=Program.LIVING,
            actor=community_clerk, given_on=TODAY(), cash="100", fund=fund)


def test_an_overdraft_is_refused_and_nothing_is_written(center, community_clerk, keeper, on_file):
    fund = make_fund(center, balance="99.99", keeper=keeper)
    aid = services.aid_plan(household=on_file, program=Program.LIVING, actor=community_clerk, given_on=TODAY(),
                            cash="100", fund=fund)
    refused("余额不足：余额99.99元，需要100.00元。", services.aid_pay, aid=aid, actor=keeper)


def test_a_delivery_in_the_future_is_refused(center, community_clerk, keeper, on_file):
    fund = make_fund(center, balance="1000", keeper=keeper)
    refused("发放日期不能晚于今天。", services.aid_plan, household=on_file, program=Program.LIVING,
            actor=community_clerk, given_on=TODAY() + datetime.timedelta(days=1), cash="100", fund=fund)


def test_living_aid_above_the_households_yearly_dibao_total_is_refused(center, community_clerk, keeper, on_file):
    # one person at 700.00 a month: at most 8,400.00 a year
    fund = make_fund(center, balance="100000", keeper=keeper)
    pay(on_file, fund, community_clerk, keeper, "8000")
    refused("超过该户本年度该项目的帮扶上限：上限8400.00元，已计划或发放8000.00元，本次400.01元。",
            services.aid_plan, household=on_file, program=Program.LIVING, actor=community_clerk, given_on=TODAY(),
            cash="400.01", fund=fund)
    pay(on_file, fund, community_clerk, keeper, "400")


def test_the_clerk_cannot_pay_and_the_keeper_cannot_plan(center, community_clerk, keeper, on_file):
    fund = make_fund(center, balance="1000", keeper=keeper)
    aid = services.aid_plan(household=on_file, program=Program.LIVING, actor=community_clerk, given_on=TODAY(),
                            cash="100", fund=fund)
    refused("您的角色无权进行此操作。", services.aid_pay, aid=aid, actor=community_clerk)
    refused("您的角色无权进行此操作。", services.aid_plan, household=on_file, program=Program.LIVING, actor=keeper,
            given_on=TODAY(), cash="100", fund=fund)


def test_a_sibling_townships_keeper_cannot_touch_a_fund_or_a_household_outside_his_node(
    center, sibling_township, township, community_clerk, keeper, on_file
):
    fund = make_fund(township, balance="1000", keeper=keeper)
    stranger = make_user("xinshao_finance", sibling_township, Role.FINANCE)
    refused("不在您的管辖范围内", services.fund_receive, fund=fund, actor=stranger, amount="10", document_number="x")
    aid = services.aid_plan(household=on_file, program=Program.LIVING, actor=community_clerk, given_on=TODAY(),
                            cash="100", fund=fund)
    refused("不在您的管辖范围内", services.aid_pay, aid=aid, actor=stranger)


def test_check_ledger_reports_a_fund_whose_balance_differs_from_its_entries(center, keeper):
    fund = make_fund(center, balance="100", keeper=keeper)
    out = io.StringIO()
    call_command("check_ledger", stdout=out)
    assert "一致" in out.getvalue()
    Fund.objects.filter(pk=fund.pk).update(balance_fen=F("balance_fen") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=out)
    assert "余额 100.01 元，流水合计 100.00 元，相差 0.01 元" in out.getvalue()


# --- concurrency on PostgreSQL ---------------------------------------------------------------------------------


def _run_at_once(count, work):
    start = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            start.wait(timeout=20)
            results.append(work(i))
        except WorkflowError as refusal:
            results.append(refusal)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def naive_pay(*, aid, actor):
    """A deliberately wrong payment: read the balance, check it, write it back. The race test must
    catch it: two threads read the same balance and both pay."""
    with transaction.atomic():
        fund = Fund.objects.get(pk=aid.fund_id)
        if fund.balance_fen < aid.cash_fen:
            raise WorkflowError("余额不足")
        threading.Event().wait(0.05)
        Fund.objects.filter(pk=fund.pk).update(balance_fen=fund.balance_fen - aid.cash_fen)
        AidRecord.objects.filter(pk=aid.pk).update(state=AidState.PAID, paid_by=actor, paid_at=timezone.now())
        return aid


def _thirty_payments_at_once(community, community_clerk, keeper, center, pay_function):
    fund = make_fund(center, balance="1000.00", keeper=keeper)  # covers 12 of 30 payments of 80.00
    households = [make_on_file(community, community_clerk, n=100 + i) for i in range(30)]
    planned = [services.aid_plan(household=h, program=Program.HOLIDAY, actor=community_clerk, given_on=TODAY(),
                                 cash="80.00", fund=fund) for h in households]
    results, errors = _run_at_once(30, lambda i: pay_function(aid=planned[i], actor=keeper))
    fund.refresh_from_db()
    paid = [r for r in results if isinstance(r, AidRecord)]
    return fund, paid, results, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_thirty_payments_at_once_from_a_fund_that_covers_twelve_pay_exactly_twelve(
    community, community_clerk, keeper, center, standard
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    fund, paid, results, errors = _thirty_payments_at_once(community, community_clerk, keeper, center, services.aid_pay)
    assert errors == []
    assert len(paid) == 1000 // 80 == 12
    assert fund.balance_fen == 100000 - 12 * 8000 == 4000
    assert LedgerEntry.objects.filter(fund=fund).aggregate(total=Sum("amount_fen"))["total"] == fund.balance_fen
    assert AidRecord.objects.filter(state=AidState.PAID).count() == 12


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_race_test_catches_a_naive_read_then_write_payment(community, community_clerk, keeper, center, standard):
    """Proof that the test above can see a race: the same load on a read → check → write variant
    pays more than the fund holds (or loses money)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    fund, paid, results, errors = _thirty_payments_at_once(community, community_clerk, keeper, center, naive_pay)
    assert errors == []
    money_paid = sum(aid.cash_fen for aid in AidRecord.objects.filter(state=AidState.PAID))
    assert len(paid) > 12 or fund.balance_fen != 100000 - money_paid


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_paying_one_household_in_one_campaign_at_once_make_one_payment(
    center, center_admin, community, community_clerk, keeper, standard
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    fund = make_fund(center, balance="1000", keeper=keeper)
    household = make_on_file(community, community_clerk)
    colleague = make_user("ranweng_clerk2", community, Role.DATA_ENTRY)
    campaign = Campaign.objects.create(node=center, year=TODAY().year, occasion="spring", name="春节送温暖", fund=fund,
                                       budget_fen=100000, starts_on=TODAY(), ends_on=TODAY(), created_by=center_admin)
    clerks = [community_clerk, colleague]
    results, errors = _run_at_once(2, lambda i: services.aid_plan(
        household=household, program=Program.HOLIDAY, actor=clerks[i], given_on=TODAY(), cash="300", fund=fund,
        campaign=campaign))
    assert errors == []
    assert sum(isinstance(r, AidRecord) for r in results) == 1
    assert AidRecord.objects.filter(campaign=campaign).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_payments_that_together_pass_the_cap_cannot_both_pass(community, community_clerk, keeper, center, standard):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    fund = make_fund(center, balance="100000", keeper=keeper)
    household = make_on_file(community, community_clerk)  # cap 8,400.00 a year
    colleague = make_user("ranweng_clerk2", community, Role.DATA_ENTRY)
    clerks = [community_clerk, colleague]
    results, errors = _run_at_once(2, lambda i: services.aid_plan(
        household=household, program=Program.LIVING, actor=clerks[i], given_on=TODAY(), cash="5000", fund=fund))
    assert errors == []
    assert sum(isinstance(r, AidRecord) for r in results) == 1
    assert any(isinstance(r, WorkflowError) and "帮扶上限" in r.messages[0] for r in results)


def test_the_admin_keeps_a_funds_node_year_and_source_once_it_exists(client, center, township, center_admin, keeper):
    from django.urls import reverse

    fund = make_fund(center, balance="100", keeper=keeper)
    client.force_login(center_admin)
    url = reverse("admin:outreach_fund_change", args=[fund.pk])
    client.post(url, {"node": township.pk, "name": "改名", "source": fund.source_id, "year": 2020, "note": ""})
    fund.refresh_from_db()
    assert (fund.node, fund.year) == (center, timezone.localdate().year)
