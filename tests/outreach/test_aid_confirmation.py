"""Aid confirmation by the fund keeper: the planned aid in his scope, confirmed one by one or as a
selection through services.aid_pay, and the reversal of a paid record (with its reason, by a
second person) through services.aid_reverse."""

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import Role
from outreach import services
from outreach.models import AidRecord, AidState, Fund, LedgerEntry, Program

from ..conftest import make_user
from .conftest import make_fund, make_on_file

TODAY = timezone.localdate


def state():
    return (list(Fund.objects.order_by("pk").values_list("pk", "balance_fen")), LedgerEntry.objects.count(),
            list(AidRecord.objects.order_by("pk").values_list("pk", "state")))


@pytest.fixture
def fund(center, keeper):
    return make_fund(center, name="县级帮扶资金", balance="1000", keeper=keeper)


@pytest.fixture
def outsider_keeper(sibling_township):
    return make_user("xinshao_finance", sibling_township, Role.FINANCE, name="新哨财务")


def plan(household, fund, clerk, cash, program=Program.EMERGENCY, **fields):
    return services.aid_plan(household=household, program=program, actor=clerk, given_on=TODAY(), cash=cash,
                             fund=fund, **fields)


@pytest.fixture
def households(community, community_clerk, standard):
    return [make_on_file(community, community_clerk, n=n, head_name=f"户主{n}") for n in range(3)]


# --- the list of planned aid ----------------------------------------------------------------------


def test_the_keeper_sees_the_planned_aid_in_his_scope_with_amounts_in_yuan(
        client, keeper, fund, households, community_clerk, sibling_community, outsider, sibling_township):
    plan(households[0], fund, community_clerk, "1200.5")
    other = make_on_file(sibling_community, outsider, n=9, head_name="别镇户主")
    plan(other, make_fund(sibling_township, name="新哨资金"), outsider, "10", program=Program.MEDICAL)
    client.force_login(keeper)
    page = client.get(reverse("outreach:aid_planned")).content.decode()
    assert "户主0" in page and "1,200.50" in page and "别镇户主" in page  # the center sees both townships


def test_an_outsider_keeper_sees_nothing_of_another_township(client, outsider_keeper, fund, households,
                                                             community_clerk):
    plan(households[0], fund, community_clerk, "100")
    client.force_login(outsider_keeper)
    response = client.get(reverse("outreach:aid_planned"))
    assert list(response.context["page"]) == [] and "户主0" not in response.content.decode()


def test_the_planned_list_filters_by_program_and_fund(client, keeper, fund, center, households, community_clerk):
    other_fund = make_fund(center, name="医疗救助资金", balance="500", keeper=keeper)
    plan(households[0], fund, community_clerk, "100")
    plan(households[1], other_fund, community_clerk, "100", program=Program.MEDICAL)
    client.force_login(keeper)
    page = client.get(reverse("outreach:aid_planned"), {"program": Program.MEDICAL}).content.decode()
    assert "户主1" in page and "户主0" not in page
    page = client.get(reverse("outreach:aid_planned"), {"fund": fund.pk}).content.decode()
    assert "户主0" in page and "户主1" not in page


def test_the_planned_list_keeps_a_fixed_number_of_queries(client, keeper, fund, community, community_clerk, standard,
                                                          django_assert_max_num_queries):
    plan(make_on_file(community, community_clerk, n=50), fund, community_clerk, "1")
    client.force_login(keeper)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("outreach:aid_planned"))
    for n in range(20):
        plan(make_on_file(community, community_clerk, n=n, head_name=f"户{n}"), fund, community_clerk, "1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("outreach:aid_planned")).content.decode()
    assert "户19" in page


# --- confirming -----------------------------------------------------------------------------------


def test_the_keeper_confirms_one_row_and_the_fund_and_the_dossier_follow(client, keeper, fund, households,
                                                                          community_clerk):
    aid = plan(households[0], fund, community_clerk, "300")
    untouched = plan(households[1], fund, community_clerk, "50")
    client.force_login(keeper)
    response = client.post(reverse("outreach:aid_pay"), {"aid": aid.pk, "selected": [untouched.pk]}, follow=True)
    aid.refresh_from_db(), fund.refresh_from_db(), households[0].refresh_from_db(), untouched.refresh_from_db()
    assert (aid.state, aid.paid_by, untouched.state) == (AidState.PAID, keeper, AidState.PLANNED)
    assert fund.balance_fen == 70_000 and households[0].last_aided_at is not None
    assert "已确认发放1笔，现金共300.00元" in response.content.decode()


def test_a_selection_is_paid_and_the_one_the_fund_cannot_cover_is_named_and_left_planned(
        client, keeper, center, households, community_clerk):
    small = make_fund(center, name="小额资金", balance="500", keeper=keeper)
    first, second, third = (plan(h, small, community_clerk, cash) for h, cash in zip(households, ["200", "250", "100"]))
    client.force_login(keeper)
    response = client.post(reverse("outreach:aid_pay"), {"selected": [first.pk, second.pk, third.pk]}, follow=True)
    states = dict(AidRecord.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[third.pk]) == ("paid", "paid", "planned")
    small.refresh_from_db()
    assert small.balance_fen == 5_000 and small.entries.filter(kind="aid").count() == 2
    page = response.content.decode()
    assert "已确认发放2笔，现金共450.00元" in page
    assert "户主2：资金“小额资金”余额不足：余额50.00元，需要100.00元。" in page


def test_nothing_selected_is_told(client, keeper, fund):
    client.force_login(keeper)
    assert "请先勾选要确认发放的记录" in client.post(reverse("outreach:aid_pay"), {}, follow=True).content.decode()


def test_a_clerk_may_not_confirm_and_his_list_has_no_buttons(client, community_clerk, fund, households):
    aid = plan(households[0], fund, community_clerk, "10")
    client.force_login(community_clerk)
    assert "确认发放所选记录" not in client.get(reverse("outreach:aid_planned")).content.decode()
    before = state()
    assert client.post(reverse("outreach:aid_pay"), {"aid": aid.pk}).status_code == 403
    assert state() == before


def test_an_outsider_keeper_cannot_pay_another_townships_aid(client, outsider_keeper, fund, households,
                                                             community_clerk):
    aid = plan(households[0], fund, community_clerk, "10")
    client.force_login(outsider_keeper)
    before = state()
    client.post(reverse("outreach:aid_pay"), {"aid": aid.pk, "selected": [aid.pk]})
    assert state() == before


def test_the_back_link_stays_on_this_site(client, keeper, fund, households, community_clerk):
    aid = plan(households[0], fund, community_clerk, "10")
    client.force_login(keeper)
    response = client.post(reverse("outreach:aid_pay"), {"aid": aid.pk, "next": "https://evil.example/"})
    assert response.url == reverse("outreach:aid_planned")


# --- reversing ------------------------------------------------------------------------------------


@pytest.fixture
def paid(fund, households, community_clerk, keeper):
    return services.aid_pay(aid=plan(households[0], fund, community_clerk, "300"), actor=keeper)


def test_a_second_keeper_reverses_a_payment_with_a_reason_and_the_fund_is_restored(
        client, second_keeper, paid, fund, households):
    client.force_login(second_keeper)
    url = reverse("outreach:aid_reverse", args=[paid.pk])
    page = client.get(url).content.decode()
    assert "300.00" in page and "冲销原因" in page
    response = client.post(url, {"reason": "户主已去世，款项退回"})
    assert response.status_code == 302 and response.url == fund.get_absolute_url()
    paid.refresh_from_db(), fund.refresh_from_db(), households[0].refresh_from_db()
    assert (paid.state, paid.reversed_by, paid.reversal_reason) == (AidState.REVERSED, second_keeper, "户主已去世，款项退回")
    assert fund.balance_fen == 100_000 and households[0].last_aided_at is None
    assert "冲销：户主已去世，款项退回" in client.get(response.url).content.decode()


def test_the_keeper_who_paid_cannot_reverse_it_and_is_told_so(client, keeper, paid):
    client.force_login(keeper)
    before = state()
    response = client.post(reverse("outreach:aid_reverse", args=[paid.pk]), {"reason": "录错了"})
    assert response.status_code == 400
    assert "冲销须由确认发放以外的另一人办理。" in response.content.decode()
    assert 'value="录错了"' in response.content.decode() or "录错了</textarea>" in response.content.decode()
    assert state() == before


def test_a_reversal_needs_a_reason_beside_the_field(client, second_keeper, paid):
    client.force_login(second_keeper)
    before = state()
    response = client.post(reverse("outreach:aid_reverse", args=[paid.pk]), {"reason": "  "})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert state() == before


def test_a_reversal_cannot_be_reversed(client, second_keeper, keeper, paid, center):
    services.aid_reverse(aid=paid, actor=second_keeper, reason="重复")
    third = make_user("center_finance3", center, Role.FINANCE)
    client.force_login(third)
    url = reverse("outreach:aid_reverse", args=[paid.pk])
    assert "reverse-form" not in client.get(url).content.decode()
    before = state()
    response = client.post(url, {"reason": "再冲一次"})
    assert response.status_code == 400 and "该记录已冲销或作废，不能再次冲销" in response.content.decode()
    assert state() == before


def test_someone_who_is_not_a_keeper_sees_the_record_but_cannot_reverse_it(client, center_admin, paid):
    client.force_login(center_admin)
    url = reverse("outreach:aid_reverse", args=[paid.pk])
    assert "reverse-form" not in client.get(url).content.decode()
    before = state()
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert state() == before


def test_an_outsider_gets_404_from_the_reversal_page(client, outsider_keeper, paid):
    client.force_login(outsider_keeper)
    url = reverse("outreach:aid_reverse", args=[paid.pk])
    before = state()
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert state() == before
