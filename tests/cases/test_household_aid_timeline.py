"""The household's aid timeline on the dossier page: every aid received, from every program,
with totals by year; the live pairing cadre; and the dossier list's "never aided" filter, which
means what it says now that paying and reversing keep the dossier's "last aided" date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import Cadre, Pairing, Program

from ..outreach.conftest import keeper, make_fund, make_on_file, second_keeper  # noqa: F401 (fixtures)

TODAY = timezone.localdate


@pytest.fixture
def fund(center, keeper):
    return make_fund(center, name="县级帮扶资金", balance="20000", keeper=keeper)


@pytest.fixture
def household(community, community_clerk, standard):
    return make_on_file(community, community_clerk, head_name="李秀英")


def give(household, fund, clerk, keeper, program, given_on, cash="0", **fields):
    aid = services.aid_plan(household=household, program=program, actor=clerk, given_on=given_on, cash=cash,
                            fund=fund if cash != "0" else None, **fields)
    return services.aid_pay(aid=aid, actor=keeper)


def test_the_dossier_shows_every_aid_from_every_program_with_totals_by_year(
        client, center_admin, household, fund, community_clerk, keeper, second_keeper):
    last_year = datetime.date(TODAY().year - 1, 6, 1)
    give(household, fund, community_clerk, keeper, Program.TUITION, last_year, cash="1500")
    give(household, fund, community_clerk, keeper, Program.MEDICAL, TODAY(), cash="2000.3")
    give(household, fund, community_clerk, keeper, Program.HOLIDAY, TODAY(), cash="500", goods="大米",
         goods_quantity=2, goods_value="120.50")
    wrong = give(household, fund, community_clerk, keeper, Program.EMERGENCY, TODAY(), cash="999")
    services.aid_reverse(aid=wrong, actor=second_keeper, reason="录入错误")
    services.aid_plan(household=household, program=Program.LIVING, actor=community_clerk, given_on=TODAY(),
                      cash="100", fund=fund)
    client.force_login(center_admin)
    page = client.get(household.get_absolute_url()).content.decode()
    section = page[page.index('id="aid"'):page.index("办理流程")]
    for program in ("金秋助学", "医疗救助", "送温暖", "临时救助", "生活救助"):
        assert program in section
    # this year: 2,000.30 + 500.00 cash and 120.50 of goods paid; the reversal and the planned aid not counted
    assert f"{TODAY().year}年" in section
    assert "已发放 2 笔：现金 2,500.30 元，物品价值 120.50 元，合计 2,620.80 元" in section
    assert "已发放 1 笔：现金 1,500.00 元，物品价值 0.00 元，合计 1,500.00 元" in section
    assert "已冲销" in section and "录入错误" in section and "计划发放" in section
    assert "大米 ×2" in section and "县级帮扶资金" in section
    assert section.index(f"{TODAY().year}年") < section.index(f"{TODAY().year - 1}年")  # newest year first


def test_a_dossier_never_aided_says_so(client, center_admin, household):
    client.force_login(center_admin)
    assert "尚未接受过帮扶" in client.get(household.get_absolute_url()).content.decode()


def test_the_dossier_names_its_live_pairing_cadre_and_not_an_ended_one(client, center_admin, center, household):
    old = Cadre.objects.create(node=center, name="王前任", post="副局长", rank="section", unit="县人社局")
    now = Cadre.objects.create(node=center, name="陈书记", post="党组书记", rank="division", unit="县总工会")
    Pairing.objects.create(cadre=old, household=household, starts_on=datetime.date(2024, 1, 1),
                           ends_on=datetime.date(2025, 1, 1), end_reason="岗位调整", created_by=center_admin)
    Pairing.objects.create(cadre=now, household=household, starts_on=datetime.date(2025, 2, 1), created_by=center_admin)
    client.force_login(center_admin)
    page = client.get(household.get_absolute_url()).content.decode()
    cadre = page[page.index('id="pairing-cadre"'):]
    cadre = cadre[:cadre.index("</dd>")]
    assert "陈书记（党组书记，县总工会），2025-02-01起" in cadre and "王前任" not in cadre


def test_the_detail_page_keeps_a_fixed_number_of_queries_however_much_aid(
        client, center_admin, center, household, fund, community_clerk, keeper, django_assert_max_num_queries):
    give(household, fund, community_clerk, keeper, Program.MEDICAL, TODAY(), cash="10")
    cadre = Cadre.objects.create(node=center, name="陈书记", post="书记", rank="division", unit="县总工会")
    Pairing.objects.create(cadre=cadre, household=household, starts_on=TODAY(), created_by=center_admin)
    client.force_login(center_admin)
    with django_assert_max_num_queries(45) as few:
        client.get(household.get_absolute_url())
    other_fund = make_fund(center, name="另一资金", balance="1000", keeper=keeper)
    other = Cadre.objects.create(node=center, name="吴主席", post="副主席", rank="section", unit="县总工会")
    Pairing.objects.create(cadre=other, household=household, starts_on=TODAY(), created_by=center_admin)
    for n in range(10):
        give(household, other_fund if n % 2 else fund, community_clerk, keeper, Program.EMERGENCY, TODAY(), cash="1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(household.get_absolute_url()).content.decode()
    assert "另一资金" in page and "陈书记" in page and "吴主席" in page


def never_aided(client):
    response = client.get(reverse("cases:household_list"), {"never_aided": "true"})
    return {h.pk for h in response.context["page"]}


def test_the_never_aided_filter_follows_payments_and_reversals(
        client, center_admin, household, community, community_clerk, fund, keeper, second_keeper):
    other = make_on_file(community, community_clerk, n=5, head_name="周大海")
    client.force_login(center_admin)
    assert never_aided(client) == {household.pk, other.pk}
    planned = services.aid_plan(household=household, program=Program.MEDICAL, actor=community_clerk,
                                given_on=TODAY(), cash="100", fund=fund)
    assert never_aided(client) == {household.pk, other.pk}  # planned is not aided yet
    services.aid_pay(aid=planned, actor=keeper)
    assert never_aided(client) == {other.pk}
    services.aid_reverse(aid=planned, actor=second_keeper, reason="发错户")
    assert never_aided(client) == {household.pk, other.pk}  # the only payment was reversed
