"""Pairing (结对帮扶): cadres adopt on-file households, end a pairing with its reason, log visits whose
cash or goods go through the aid ledger, and the live pairs not visited for N months are listed."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Status
from cases.rules import WorkflowError
from outreach import services
from outreach.models import AidRecord, AidState, Cadre, CadreRank, LedgerEntry, Pairing, PairingVisit, Program
from outreach.views.pairing import months_before

from ..cases.conftest import make_household
from ..conftest import frozen_at
from ..test_security import _manage
from .conftest import make_fund, make_on_file

pytestmark = frozen_at(2026, 11, 30)
TODAY = datetime.date(2026, 11, 30)


def make_cadre(node, name="杨文华", **fields):
    fields.setdefault("post", "县总工会副主席")
    fields.setdefault("rank", CadreRank.SECTION)
    fields.setdefault("unit", "弥勒县总工会")
    return Cadre.objects.create(node=node, name=name, **fields)


def pair(cadre, household, actor, starts_on=datetime.date(2026, 1, 5)):
    return services.pairing_start(cadre=cadre, household=household, actor=actor, starts_on=starts_on)


@pytest.fixture
def cadre(township):
    return make_cadre(township, phone="13987300001")


@pytest.fixture
def on_file(community, community_clerk):
    return make_on_file(community, community_clerk, n=1, head_name="赵家强")


# --- starting and ending -------------------------------------------------------------------------


def test_a_cadre_adopts_several_households_from_the_pairing_page_and_his_page_lists_them(
        client, township_admin, cadre, community, community_clerk):
    first = make_on_file(community, community_clerk, n=1, head_name="赵家强")
    second = make_on_file(community, community_clerk, n=2, head_name="钱美玲")
    client.force_login(township_admin)
    url = reverse("outreach:pairing_create", args=[cadre.pk])
    for household in (first, second):
        response = client.post(url, {"household": household.pk, "starts_on": "2026-03-01"})
        assert response.status_code == 302
    assert set(cadre.pairings.values_list("household", "starts_on", "created_by")) == {
        (first.pk, datetime.date(2026, 3, 1), township_admin.pk), (second.pk, datetime.date(2026, 3, 1), township_admin.pk)}
    page = client.get(reverse("outreach:cadre_detail", args=[cadre.pk])).content.decode()
    assert "赵家强" in page and "钱美玲" in page and "在结对2户" in page


def test_a_draft_or_exited_dossier_cannot_be_paired(township_admin, cadre, community, community_clerk):
    draft = make_household(community, community_clerk, status=Status.DRAFT)
    exited = make_household(community, community_clerk, status=Status.EXITED)
    for household in (draft, exited):
        with pytest.raises(WorkflowError, match="只有在档的困难职工家庭才能结对帮扶"):
            pair(cadre, household, township_admin)
    assert not Pairing.objects.exists()


def test_the_pairing_page_offers_only_on_file_unpaired_households_of_the_cadres_subtree(
        client, township_admin, cadre, on_file, community, community_clerk, sibling_community, outsider):
    paired = make_on_file(community, community_clerk, n=2, head_name="已结对户")
    pair(make_cadre(cadre.node, name="另一干部"), paired, township_admin)
    make_household(community, community_clerk, status=Status.DRAFT, head_name="草稿户")
    client.force_login(township_admin)
    page = client.get(reverse("outreach:pairing_create", args=[cadre.pk])).content.decode()
    assert "赵家强" in page
    assert "已结对户" not in page and "草稿户" not in page
    response = client.post(reverse("outreach:pairing_create", args=[cadre.pk]),
                           {"household": paired.pk, "starts_on": "2026-03-01"})
    assert "所选家庭不在可结对的在档家庭中" in response.content.decode()
    assert not cadre.pairings.exists()


def test_a_household_has_one_live_pairing_and_is_paired_again_after_it_ends(township_admin, cadre, on_file):
    first = pair(cadre, on_file, township_admin)
    other = make_cadre(cadre.node, name="黄玉珍")
    with pytest.raises(WorkflowError, match="该户已与杨文华结对"):
        pair(other, on_file, township_admin)
    with pytest.raises(WorkflowError, match="该户已与杨文华结对"):
        pair(cadre, on_file, township_admin)
    services.pairing_end(pairing=first, actor=township_admin, ends_on=datetime.date(2026, 6, 30), reason="干部调离")
    again = pair(other, on_file, township_admin, starts_on=datetime.date(2026, 7, 1))
    assert list(on_file.pairings.order_by("starts_on").values_list("cadre__name", "ends_on", "end_reason")) == [
        ("杨文华", datetime.date(2026, 6, 30), "干部调离"), ("黄玉珍", None, "")]
    assert again.is_live


def test_a_cadre_cannot_adopt_a_household_outside_his_node_nor_start_in_the_future(
        center_admin, cadre, sibling_community, community_clerk, on_file):
    elsewhere = make_on_file(sibling_community, community_clerk, n=3)
    with pytest.raises(WorkflowError, match="不在该干部所属节点的范围内"):
        pair(cadre, elsewhere, center_admin)
    with pytest.raises(WorkflowError, match="结对日期不能晚于今天"):
        pair(cadre, on_file, center_admin, starts_on=TODAY + datetime.timedelta(days=1))
    assert not Pairing.objects.exists()


def test_a_clerk_may_log_visits_but_not_start_or_end_a_pairing(client, community_clerk, township_admin, cadre, on_file):
    pairing = pair(cadre, on_file, township_admin)
    client.force_login(community_clerk)
    assert client.get(reverse("outreach:pairing_create", args=[cadre.pk])).status_code == 403
    assert client.post(reverse("outreach:pairing_end", args=[pairing.pk]),
                       {"ends_on": "2026-11-01", "reason": "x"}).status_code == 403
    assert client.get(reverse("outreach:pairing_visit_create", args=[pairing.pk])).status_code == 200
    pairing.refresh_from_db()
    assert pairing.is_live


def test_ending_a_pairing_needs_a_reason_and_a_date_from_its_start_to_today(client, township_admin, cadre, on_file):
    pairing = pair(cadre, on_file, township_admin, starts_on=datetime.date(2026, 3, 1))
    client.force_login(township_admin)
    url = reverse("outreach:pairing_end", args=[pairing.pk])
    for data, message in [({"ends_on": "2026-02-28", "reason": "调离"}, "结束日期不能早于结对日期（2026-03-01）"),
                          ({"ends_on": "2026-12-01", "reason": "调离"}, "结束日期不能晚于今天"),
                          ({"ends_on": "2026-10-01", "reason": " "}, "请填写结束结对的原因")]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert data["ends_on"] in response.content.decode()  # what was typed is kept
    pairing.refresh_from_db()
    assert pairing.is_live and pairing.end_reason == ""
    assert client.post(url, {"ends_on": "2026-10-01", "reason": "家庭脱困"}).status_code == 302
    pairing.refresh_from_db()
    assert (pairing.ends_on, pairing.end_reason) == (datetime.date(2026, 10, 1), "家庭脱困")
    with pytest.raises(WorkflowError, match="该结对已于2026-10-01结束"):
        services.pairing_end(pairing=pairing, actor=township_admin, ends_on=TODAY, reason="再次结束")


# --- visits ----------------------------------------------------------------------------------------


def test_a_visit_with_cash_and_goods_plans_aid_of_the_pairing_program_paid_later_by_the_keeper(
        client, community_clerk, township_admin, township, keeper, cadre, on_file):
    fund = make_fund(township, name="弥阳镇送温暖基金", balance="2000", keeper=keeper)
    pairing = pair(cadre, on_file, township_admin)
    client.force_login(community_clerk)
    response = client.post(reverse("outreach:pairing_visit_create", args=[pairing.pk]), {
        "visited_on": "2026-11-20", "activity": "了解孩子上学情况，送去慰问金和米油", "cash": "500",
        "fund": fund.pk, "goods": "大米、食用油", "goods_quantity": "2", "goods_value": "120",
    })
    assert response.status_code == 302
    visit = PairingVisit.objects.get()
    aid = visit.aid
    assert (visit.visited_on, visit.recorded_by, aid.program, aid.state, aid.household, aid.fund) == (
        datetime.date(2026, 11, 20), community_clerk, Program.PAIRING, AidState.PLANNED, on_file, fund)
    assert (aid.cash_fen, aid.goods, aid.goods_quantity, aid.goods_value_fen, aid.given_by) == (
        50000, "大米、食用油", 2, 12000, "杨文华")
    # planned, not paid: the fund is untouched until the keeper confirms
    fund.refresh_from_db()
    assert fund.balance_fen == 200000 and not LedgerEntry.objects.filter(kind="aid").exists()
    services.aid_pay(aid=aid, actor=keeper)
    fund.refresh_from_db()
    assert fund.balance_fen == 150000
    page = client.get(reverse("outreach:cadre_detail", args=[cadre.pk])).content.decode()
    assert "了解孩子上学情况" in page and "500.00" in page and "已发放" in page


def test_a_visit_without_gifts_writes_no_aid_record(community_clerk, township_admin, cadre, on_file):
    pairing = pair(cadre, on_file, township_admin)
    visit = services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=TODAY, activity="谈心")
    assert visit.aid is None and not AidRecord.objects.exists()


@pytest.mark.parametrize("data, message", [
    ({"visited_on": "2026-12-01"}, "走访日期不能晚于今天"),
    ({"visited_on": "2026-01-04"}, "走访日期不能早于结对日期（2026-01-05）"),
    ({"activity": ""}, "请填写本次走访的帮扶内容"),
    ({"cash": "300", "fund": ""}, "发放现金必须选择资金"),
    ({"cash": "-5"}, "金额必须大于0元"),
    ({"cash": "0.001"}, "金额最多精确到分"),
    ({"cash": "五百"}, "请填写金额（元）"),
    ({"cash": "900000"}, "金额不能超过100000.00元"),
])
def test_a_bad_visit_is_refused_beside_the_field_and_nothing_is_saved(
        client, community_clerk, township_admin, township, keeper, cadre, on_file, data, message):
    fund = make_fund(township, balance="2000", keeper=keeper)
    pairing = pair(cadre, on_file, township_admin)
    client.force_login(community_clerk)
    post = {"visited_on": "2026-11-20", "activity": "走访", "cash": "", "fund": fund.pk, "goods": "",
            "goods_value": "", **data}
    response = client.post(reverse("outreach:pairing_visit_create", args=[pairing.pk]), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PairingVisit.objects.exists() and not AidRecord.objects.exists()


def test_a_visit_is_not_logged_after_the_pairing_ended(community_clerk, township_admin, cadre, on_file):
    pairing = pair(cadre, on_file, township_admin)
    services.pairing_end(pairing=pairing, actor=township_admin, ends_on=datetime.date(2026, 6, 30), reason="调离")
    with pytest.raises(WorkflowError, match="走访日期不能晚于结对结束日期（2026-06-30）"):
        services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=TODAY, activity="走访")
    assert not PairingVisit.objects.exists()


def test_a_visit_with_cash_from_a_sibling_townships_fund_is_refused(
        community_clerk, township_admin, sibling_township, keeper, cadre, on_file):
    other_fund = make_fund(sibling_township, balance="2000", keeper=keeper)
    pairing = pair(cadre, on_file, township_admin)
    with pytest.raises(WorkflowError):
        services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=TODAY, activity="走访",
                                   cash="100", fund=other_fund)
    assert not PairingVisit.objects.exists() and not AidRecord.objects.exists()


# --- overdue -----------------------------------------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(datetime.date(2026, 11, 30), 3) == datetime.date(2026, 8, 30)
    assert months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 2, 15), 3) == datetime.date(2025, 11, 15)


def test_the_overdue_list_shows_live_pairs_not_visited_for_n_months(
        client, township_admin, community_clerk, township, community, settings):
    households = [make_on_file(community, community_clerk, n=i, head_name=name)
                  for i, name in enumerate(["四月未访", "上月已访", "从未走访", "新近结对", "已结束户"], start=1)]
    cadre = make_cadre(township)
    four_months, last_month, never, recent, ended = [pair(cadre, h, township_admin) for h in households[:3]] + [
        pair(cadre, households[3], township_admin, starts_on=datetime.date(2026, 11, 1)),
        pair(cadre, households[4], township_admin)]
    for pairing, day in [(four_months, datetime.date(2026, 7, 28)), (last_month, datetime.date(2026, 10, 30))]:
        services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=day, activity="走访")
    services.pairing_end(pairing=ended, actor=township_admin, ends_on=datetime.date(2026, 2, 1), reason="脱困")
    client.force_login(township_admin)
    page = client.get(reverse("outreach:pairing_overdue")).content.decode()
    assert "超过3个月未走访的结对（2对）" in page
    assert "四月未访" in page and "2026-07-28" in page and "从未走访" in page
    assert "上月已访" not in page and "新近结对" not in page and "已结束户" not in page
    assert page.index("从未走访") < page.index("四月未访")  # waiting since January first
    settings.PAIRING_VISIT_MONTHS = 5
    page = client.get(reverse("outreach:pairing_overdue")).content.decode()
    assert "四月未访" not in page and "从未走访" in page


@pytest.mark.parametrize("value, shown", [("4", "4"), ("", "3")])
def test_the_months_come_from_the_environment(value, shown):
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.PAIRING_VISIT_MONTHS)",
                     DEBUG="1", PAIRING_VISIT_MONTHS=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == shown


@pytest.mark.parametrize("value", ["three", "0"])
def test_a_bad_number_of_months_stops_the_start(value):
    result = _manage("check", DEBUG="1", PAIRING_VISIT_MONTHS=value)
    assert result.returncode != 0 and "PAIRING_VISIT_MONTHS" in result.stderr


# --- cadres ------------------------------------------------------------------------------------------


def test_a_cadre_is_registered_at_a_node_of_the_admins_subtree(client, township_admin, township, sibling_township):
    client.force_login(township_admin)
    data = {"node": township.pk, "name": "周春生", "post": "镇党委副书记", "rank": CadreRank.SECTION,
            "unit": "弥阳镇人民政府", "phone": "13900000000", "is_active": "on"}
    response = client.post(reverse("outreach:cadre_create"), {**data, "node": sibling_township.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = client.post(reverse("outreach:cadre_create"), {**data, "name": ""})
    assert response.status_code == 200 and not Cadre.objects.exists()
    response = client.post(reverse("outreach:cadre_create"), data)
    cadre = Cadre.objects.get()
    assert response.status_code == 302 and (cadre.node, cadre.name, cadre.unit) == (township, "周春生", "弥阳镇人民政府")
    assert cadre.history.get().history_user == township_admin


def test_a_cadre_outside_the_actors_subtree_is_not_saved(township_admin, sibling_township):
    with pytest.raises(WorkflowError, match="不在您的管辖范围内"):
        services.cadre_save(cadre=Cadre(node=sibling_township, name="刘", post="主席", rank=CadreRank.OTHER, unit="新哨镇"),
                            actor=township_admin)
    assert not Cadre.objects.exists()


# --- scope and queries ---------------------------------------------------------------------------------


def test_an_outsider_sees_no_cadre_pairing_or_visit_of_the_township(
        client, outsider_admin, township_admin, community_clerk, cadre, on_file):
    pairing = pair(cadre, on_file, township_admin, starts_on=datetime.date(2026, 1, 5))
    client.force_login(outsider_admin)
    assert "杨文华" not in client.get(reverse("outreach:cadre_list")).content.decode()
    assert "赵家强" not in client.get(reverse("outreach:pairing_overdue")).content.decode()
    for name, pk in [("cadre_detail", cadre.pk), ("cadre_edit", cadre.pk), ("pairing_create", cadre.pk),
                     ("pairing_end", pairing.pk), ("pairing_visit_create", pairing.pk)]:
        assert client.get(reverse(f"outreach:{name}", args=[pk])).status_code == 404, name
    response = client.post(reverse("outreach:pairing_visit_create", args=[pairing.pk]),
                           {"visited_on": "2026-11-20", "activity": "走访"})
    assert response.status_code == 404 and not PairingVisit.objects.exists()
    with pytest.raises(WorkflowError, match="不在您的管辖范围内"):
        services.pairing_visit_log(pairing=pairing, actor=outsider_admin, visited_on=TODAY, activity="走访")


def test_a_center_cadres_page_shows_a_township_user_only_his_own_households(
        client, center, center_admin, township_admin, community, sibling_community, community_clerk):
    cadre = make_cadre(center, name="县领导")
    pair(cadre, make_on_file(community, community_clerk, n=1, head_name="本镇户"), center_admin)
    pair(cadre, make_on_file(sibling_community, community_clerk, n=2, head_name="邻镇户"), center_admin)
    client.force_login(center_admin)
    page = client.get(reverse("outreach:cadre_detail", args=[cadre.pk])).content.decode()
    assert "本镇户" in page and "邻镇户" in page
    client.force_login(township_admin)
    assert "县领导" in client.get(reverse("outreach:cadre_list")).content.decode()
    page = client.get(reverse("outreach:cadre_detail", args=[cadre.pk])).content.decode()
    assert "本镇户" in page and "邻镇户" not in page
    # the center's cadre is the center's to change and to pair
    assert "修改干部信息" not in page and "结对新家庭" not in page
    assert client.get(reverse("outreach:cadre_edit", args=[cadre.pk])).status_code == 404
    assert client.get(reverse("outreach:pairing_create", args=[cadre.pk])).status_code == 404


def test_the_pairing_lists_take_a_bounded_number_of_queries(
        client, township_admin, community_clerk, township, community, django_assert_max_num_queries):
    for c in range(12):
        cadre = make_cadre(township, name=f"干部{c}")
        for h in range(3):
            household = make_on_file(community, community_clerk, n=100 + c * 3 + h, head_name=f"户{c}-{h}")
            pairing = pair(cadre, household, township_admin)
            services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=datetime.date(2026, 2, 1),
                                       activity="走访")
    client.force_login(township_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:cadre_list")).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(reverse("outreach:pairing_overdue")).content.decode()
    assert "（36对）" in page
    cadre = Cadre.objects.get(name="干部0")
    for h in range(20):
        pairing = pair(cadre, make_on_file(community, community_clerk, n=500 + h), township_admin)
        services.pairing_visit_log(pairing=pairing, actor=community_clerk, visited_on=TODAY, activity="走访")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:cadre_detail", args=[cadre.pk])).status_code == 200
