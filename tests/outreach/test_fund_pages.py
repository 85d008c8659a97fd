"""The fund pages: the scoped list, a fund's page (income, spending by program and node, the
ledger with its filter), receipts and allocations by the fund keeper with the refusals beside
the fields and nothing half-saved, and a new fund by the center admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import Role
from outreach import services
from outreach.models import EntryKind, Fund, FundSource, LedgerEntry, Program

from ..conftest import make_user
from .conftest import make_fund, make_on_file

TODAY = timezone.localdate


def state():
    return list(Fund.objects.order_by("pk").values_list("pk", "balance_fen")), LedgerEntry.objects.count()


@pytest.fixture
def township_keeper(township):
    return make_user("miyang_finance", township, Role.FINANCE, name="弥阳财务")


@pytest.fixture
def outsider_keeper(sibling_township):
    return make_user("xinshao_finance", sibling_township, Role.FINANCE, name="新哨财务")


@pytest.fixture
def center_fund(center, keeper):
    return make_fund(center, name="县级帮扶资金", balance="10000", keeper=keeper)


@pytest.fixture
def township_fund(township):
    return make_fund(township, name="弥阳送温暖基金")


def paid_aid(household, fund, clerk, keeper, cash, program=Program.EMERGENCY):
    aid = services.aid_plan(household=household, program=program, actor=clerk, given_on=TODAY(), cash=cash, fund=fund)
    return services.aid_pay(aid=aid, actor=keeper)


# --- the list -----------------------------------------------------------------------------------


def test_the_fund_list_shows_each_fund_with_its_totals_in_yuan(client, keeper, center, center_fund, township_fund,
                                                               community, community_clerk, standard):
    services.fund_allocate(source=center_fund, target=township_fund, actor=keeper, amount="2500.5")
    household = make_on_file(community, community_clerk)
    paid_aid(household, center_fund, community_clerk, keeper, "300")
    client.force_login(keeper)
    page = client.get(reverse("outreach:fund_list")).content.decode()
    assert "县级帮扶资金" in page and "弥阳送温暖基金" in page and "工会经费" in page
    # the center fund: 10,000.00 in, 2,500.50 allocated and 300.00 paid out, 7,199.50 left
    assert "10,000.00" in page and "2,800.50" in page and "7,199.50" in page
    assert page.count("2,500.50") == 2  # the township fund's income and balance


def test_the_township_keeper_sees_only_his_own_funds(client, township_keeper, center_fund, township_fund,
                                                     sibling_township):
    make_fund(sibling_township, name="新哨送温暖基金")
    client.force_login(township_keeper)
    page = client.get(reverse("outreach:fund_list")).content.decode()
    assert "弥阳送温暖基金" in page
    assert "新哨送温暖基金" not in page and "县级帮扶资金" not in page


def test_the_fund_list_filters_by_year_and_node(client, keeper, center, township, center_fund, township_fund):
    make_fund(center, name="上年度资金", year=TODAY().year - 1)
    client.force_login(keeper)
    page = client.get(reverse("outreach:fund_list"), {"year": TODAY().year - 1}).content.decode()
    assert "上年度资金" in page and "县级帮扶资金" not in page
    page = client.get(reverse("outreach:fund_list"), {"node": township.pk}).content.decode()
    assert "弥阳送温暖基金" in page and "县级帮扶资金" not in page and "上年度资金" not in page


def test_the_fund_list_keeps_a_fixed_number_of_queries(client, keeper, center, township, django_assert_max_num_queries):
    make_fund(center, name="资金", balance="100", keeper=keeper)
    client.force_login(keeper)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("outreach:fund_list"))
    for n in range(30):
        make_fund(township if n % 2 else center, name=f"资金{n}", balance="100", keeper=keeper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("outreach:fund_list")).content.decode()
    assert "资金29" in page


def test_the_navigation_offers_the_funds_to_whoever_may_view_them(client, keeper):
    client.force_login(keeper)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("outreach:fund_list")}"' in page and ">资金<" in page


# --- a fund's page ------------------------------------------------------------------------------


def test_a_funds_page_shows_income_spending_by_program_and_node_and_the_ledger(
        client, keeper, second_keeper, center_fund, township_fund, community, community_clerk, standard):
    services.fund_allocate(source=center_fund, target=township_fund, actor=keeper, amount="1000",
                           document_number="弥工发〔2026〕8号")
    household = make_on_file(community, community_clerk)
    paid_aid(household, center_fund, community_clerk, keeper, "200.10", program=Program.MEDICAL)
    reversed_aid = paid_aid(household, center_fund, community_clerk, keeper, "50")
    services.aid_reverse(aid=reversed_aid, actor=second_keeper, reason="重复发放")
    paid_aid(household, center_fund, community_clerk, keeper, "0.20")
    client.force_login(keeper)
    response = client.get(center_fund.get_absolute_url())
    page = response.content.decode()
    totals = response.context["totals"]
    assert (totals["income"], totals["balance"]) == (1_000_000, 1_000_000 - 100_000 - 20_010 - 20)
    assert "8,799.70" in page  # the balance, to the fen
    by_program = {row["program"]: row["spent_fen"] for row in response.context["by_program"]}
    assert by_program == {"医疗救助": 20_010, "临时救助": 20}  # the reversed 50.00 came back
    by_node = {row["node"]: (row["aid_fen"], row["allocated_fen"]) for row in response.context["by_node"]}
    assert by_node == {"髯翁社区援助分站": (20_030, 0), "弥阳镇工会联合会": (0, 100_000)}
    assert "弥工发〔2026〕8号" in page and "冲销：重复发放" in page and "-1,000.00" in page


def test_the_ledger_filters_by_kind_and_date(client, keeper, center_fund):
    services.fund_receive(fund=center_fund, actor=keeper, amount="77.7", kind=EntryKind.DONATION,
                          counterparty="爱心企业", occurred_on=TODAY() - datetime.timedelta(days=40))
    client.force_login(keeper)
    response = client.get(center_fund.get_absolute_url(), {"kind": EntryKind.DONATION})
    assert [e.amount_fen for e in response.context["page"]] == [7770]
    since = (TODAY() - datetime.timedelta(days=10)).isoformat()
    response = client.get(center_fund.get_absolute_url(), {"occurred_from": since})
    assert [e.amount_fen for e in response.context["page"]] == [1_000_000]
    until = (TODAY() - datetime.timedelta(days=30)).isoformat()
    response = client.get(center_fund.get_absolute_url(), {"occurred_to": until})
    assert "爱心企业" in response.content.decode() and [e.kind for e in response.context["page"]] == ["donation"]


def test_a_funds_page_keeps_a_fixed_number_of_queries(client, keeper, center_fund, community, community_clerk,
                                                     standard, django_assert_max_num_queries):
    household = make_on_file(community, community_clerk)
    client.force_login(keeper)
    with django_assert_max_num_queries(20) as few:
        client.get(center_fund.get_absolute_url())
    for n in range(15):
        services.fund_receive(fund=center_fund, actor=keeper, amount="1", document_number=f"凭证{n}")
        paid_aid(household, center_fund, community_clerk, keeper, "1", program=Program.MEDICAL)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(center_fund.get_absolute_url()).content.decode()
    assert "凭证14" in page


def test_an_outsider_gets_404_from_a_townships_fund(client, outsider_keeper, township_fund):
    client.force_login(outsider_keeper)
    assert client.get(township_fund.get_absolute_url()).status_code == 404
    before = state()
    response = client.post(reverse("outreach:fund_receive", args=[township_fund.pk]),
                           {"kind": "donation", "amount": "100", "occurred_on": TODAY().isoformat()})
    assert response.status_code == 404 and state() == before


# --- receipts and allocations ---------------------------------------------------------------------


def receive(client, fund, **data):
    fields = {"kind": "receipt", "amount": "", "document_number": "", "counterparty": "", "note": "",
              "occurred_on": TODAY().isoformat(), **data}
    return client.post(reverse("outreach:fund_receive", args=[fund.pk]), fields)


def test_the_keeper_records_a_grant_typed_as_people_type_it(client, keeper, center_fund):
    client.force_login(keeper)
    response = receive(client, center_fund, amount="6,000元", document_number="云财社〔2026〕3号",
                       counterparty="县财政局")
    assert response.status_code == 302
    center_fund.refresh_from_db()
    entry = center_fund.entries.latest("pk")
    assert (entry.kind, entry.amount_fen, entry.document_number, entry.recorded_by) == (
        "receipt", 600_000, "云财社〔2026〕3号", keeper)
    assert center_fund.balance_fen == 1_600_000
    page = client.get(response.url).content.decode()
    assert "已登记拨入 6,000.00元" in page and "16,000.00" in page


def test_a_donation_needs_no_document_number(client, keeper, center_fund):
    client.force_login(keeper)
    assert receive(client, center_fund, kind="donation", amount="88.8", counterparty="张先生").status_code == 302
    assert center_fund.entries.filter(kind="donation", amount_fen=8880).exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"amount": "500"}, "document_number", "拨入资金必须填写文件或凭证号"),
    ({"amount": "0", "document_number": "x"}, "amount", "金额必须大于0元"),
    ({"amount": "-5", "document_number": "x"}, "amount", "金额必须大于0元"),
    ({"amount": "99999999", "document_number": "x"}, "amount", "金额不能超过"),
    ({"amount": "六千", "document_number": "x"}, "amount", "请填写金额（元）"),
    ({"amount": "10", "document_number": "x", "occurred_on": "2099-01-01"}, "occurred_on", "到账日期不能晚于今天"),
])
def test_a_bad_receipt_is_refused_beside_its_field_and_nothing_is_saved(client, keeper, center_fund, data, field,
                                                                       message):
    client.force_login(keeper)
    before = state()
    response = receive(client, center_fund, **data)
    assert response.status_code == 400
    form = response.context["forms"]["receipt"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    assert message in page and f'value="{data["amount"]}"' in page  # what he typed stays
    assert state() == before


def test_someone_who_is_not_the_keeper_cannot_record_a_receipt(client, center_admin, center_fund):
    client.force_login(center_admin)
    before = state()
    assert receive(client, center_fund, amount="500", document_number="x").status_code == 403
    assert state() == before
    assert "登记收入" not in client.get(center_fund.get_absolute_url()).content.decode()


def allocate(client, fund, **data):
    fields = {"target": "", "amount": "", "document_number": "", "note": "", "occurred_on": TODAY().isoformat(), **data}
    return client.post(reverse("outreach:fund_allocate", args=[fund.pk]), fields)


def test_the_keeper_allocates_from_a_center_fund_to_a_township_fund(client, keeper, center_fund, township_fund):
    client.force_login(keeper)
    response = allocate(client, center_fund, target=township_fund.pk, amount="2,000", document_number="调拨1号")
    assert response.status_code == 302
    center_fund.refresh_from_db(), township_fund.refresh_from_db()
    assert (center_fund.balance_fen, township_fund.balance_fen) == (800_000, 200_000)
    out = center_fund.entries.get(kind="allocation_out")
    assert out.amount_fen == -200_000 and township_fund.entries.get(kind="allocation_in").counterpart == out
    assert "已调拨2,000.00元" in client.get(response.url).content.decode()


def test_an_allocation_beyond_the_balance_is_refused_beside_the_amount_and_nothing_moves(
        client, keeper, center_fund, township_fund):
    client.force_login(keeper)
    before = state()
    response = allocate(client, center_fund, target=township_fund.pk, amount="10000.01")
    assert response.status_code == 400
    assert any("余额不足" in error for error in response.context["forms"]["allocation"].errors["amount"])
    assert state() == before


def test_a_sibling_townships_fund_is_not_offered_and_not_accepted_as_a_target(
        client, keeper, center_fund, township_fund, sibling_township, township_keeper):
    other = make_fund(sibling_township, name="新哨送温暖基金")
    client.force_login(keeper)
    choices = client.get(center_fund.get_absolute_url()).context["forms"]["allocation"].fields["target"].queryset
    assert set(choices) == {township_fund, other}  # the center sees both townships
    client.force_login(township_keeper)
    # a township's keeper allocates nothing: the form is not offered, a crafted post is refused
    assert "allocation" not in client.get(township_fund.get_absolute_url()).context["forms"]
    before = state()
    response = allocate(client, township_fund, target=other.pk, amount="1")
    assert response.status_code == 400 and state() == before


# --- a new fund ---------------------------------------------------------------------------------


def test_the_center_admin_creates_a_fund_with_a_zero_balance(client, center_admin, township):
    source = FundSource.objects.get(name="社会捐赠")
    client.force_login(center_admin)
    response = client.post(reverse("outreach:fund_create"), {"node": township.pk, "name": "弥阳爱心基金",
                                                               "source": source.pk, "year": TODAY().year, "note": ""})
    fund = Fund.objects.get(name="弥阳爱心基金")
    assert response.status_code == 302 and response.url == fund.get_absolute_url()
    assert (fund.node, fund.source, fund.balance_fen) == (township, source, 0)


def test_a_fund_cannot_be_created_twice_or_outside_the_scope(client, township_admin, township, sibling_township):
    source = FundSource.objects.get(name="社会捐赠")
    make_fund(township, name="弥阳爱心基金")
    client.force_login(township_admin)
    data = {"node": township.pk, "name": "弥阳爱心基金", "source": source.pk, "year": TODAY().year}
    response = client.post(reverse("outreach:fund_create"), data)
    assert response.status_code == 400 and "该节点本年度已有同名资金" in response.context["form"].errors["name"][0]
    response = client.post(reverse("outreach:fund_create"), {**data, "node": sibling_township.pk, "name": "别处"})
    assert response.status_code == 400 and "node" in response.context["form"].errors
    assert not Fund.objects.filter(name="别处").exists()


def test_the_keeper_may_not_create_funds(client, keeper):
    client.force_login(keeper)
    assert client.get(reverse("outreach:fund_create")).status_code == 403


# --- the admin ------------------------------------------------------------------------------------


def test_the_ledger_and_the_aid_records_are_read_only_in_the_admin(client, keeper, center_fund, community,
                                                                   community_clerk, standard):
    household = make_on_file(community, community_clerk)
    aid = paid_aid(household, center_fund, community_clerk, keeper, "10")
    entry = center_fund.entries.get(kind="aid")
    client.force_login(keeper)
    before = state()
    for model, obj in (("ledgerentry", entry), ("aidrecord", aid)):
        change = reverse(f"admin:outreach_{model}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change, {"amount_fen": "1", "cash_fen": "1"}).status_code == 403
        assert client.post(reverse(f"admin:outreach_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:outreach_{model}_add")).status_code == 403
    assert state() == before
    aid.refresh_from_db()
    assert aid.state == "paid" and aid.cash_fen == 1000


def test_the_admin_shows_a_township_keeper_only_his_funds_and_ledger(client, township_keeper, township_fund,
                                                                    center_fund):
    services.fund_receive(fund=township_fund, actor=township_keeper, amount="5", kind=EntryKind.DONATION)
    client.force_login(township_keeper)
    page = client.get(reverse("admin:outreach_fund_changelist")).content.decode()
    assert "弥阳送温暖基金" in page and "县级帮扶资金" not in page
    assert client.get(reverse("admin:outreach_fund_change", args=[center_fund.pk])).status_code == 404
    entries = client.get(reverse("admin:outreach_ledgerentry_changelist")).context["cl"].queryset
    assert {e.fund for e in entries} == {township_fund}
