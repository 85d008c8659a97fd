"""What the dossier form chooses for the clerk and offers him: the unit of an enterprise point,
the official lists as choices, one contact phone per person with the household's other phone
beside the head's."""

import re

from django.urls import reverse

from cases.models import Household, Member
from cases.official_lists import ETHNICITIES, MARITAL_STATUSES, POLITICAL_STATUSES
from network.models import Role

from ..conftest import make_enterprise, make_user
from .test_dossier_form import dossier_post


def select(page, name):
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, name
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', match.group(1))


def test_a_clerk_at_an_enterprise_point_with_one_unit_finds_it_chosen(client, enterprise_point, standard):
    unit = make_enterprise(enterprise_point, name="弥勒木器厂")
    clerk = make_user("muqi_clerk", enterprise_point, Role.DATA_ENTRY)
    client.force_login(clerk)
    options = select(client.get(reverse("cases:household_create")).content.decode(), "h-enterprise")
    assert [value for value, selected, _label in options if selected] == [str(unit.pk)]


def test_a_clerk_at_a_node_with_two_units_chooses_himself(client, community, standard):
    make_enterprise(community, name="髯翁社区卫生服务站")
    make_enterprise(community, name="髯翁社区幼儿园")
    clerk = make_user("ranweng_clerk2", community, Role.DATA_ENTRY)
    client.force_login(clerk)
    options = select(client.get(reverse("cases:household_create")).content.decode(), "h-enterprise")
    assert len(options) == 3 and [value for value, selected, _label in options if selected] == [""]


def test_an_existing_dossier_keeps_its_own_unit_or_none(client, enterprise_point, standard):
    make_enterprise(enterprise_point, name="弥勒木器厂")
    clerk = make_user("muqi_clerk", enterprise_point, Role.DATA_ENTRY)
    client.force_login(clerk)
    client.post(reverse("cases:household_create"), dossier_post(enterprise_point, **{"h-enterprise": ""}))
    household = Household.objects.get()
    assert household.enterprise is None
    options = select(client.get(reverse("cases:household_edit", args=[household.pk])).content.decode(), "h-enterprise")
    assert [value for value, selected, _label in options if selected] == [""]


def test_ethnicity_political_and_marital_status_are_the_official_lists(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    page = client.get(reverse("cases:household_create")).content.decode()
    for prefix in ("head", "m-0"):
        ethnicity = select(page, f"{prefix}-ethnicity")
        assert [v for v, _s, _l in ethnicity] == [""] + ETHNICITIES and len(ETHNICITIES) == 56
        assert [v for v, s, _l in ethnicity if s] == ["汉族"]  # the county's most common answer
        political = select(page, f"{prefix}-political_status")
        assert political[0] == ("", " selected", "（未填写）") and [v for v, _s, _l in political[1:]] == POLITICAL_STATUSES
        marital = select(page, f"{prefix}-marital_status")
        assert marital[0][0] == "" and [v for v, _s, _l in marital[1:]] == MARITAL_STATUSES


def test_a_value_outside_the_official_lists_is_refused(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"),
                           dossier_post(community, **{"head-ethnicity": "汉", "head-marital_status": "已婚"}))
    assert "选择一个有效的选项" in response.content.decode()
    assert Member.objects.count() == 0
    client.post(reverse("cases:household_create"),
                dossier_post(community, **{"head-ethnicity": "彝族", "head-political_status": "群众",
                                           "head-marital_status": "已婚"}))
    head = Member.objects.get()
    assert (head.ethnicity, head.political_status, head.marital_status) == ("彝族", "群众", "已婚")


def test_the_households_other_phone_sits_beside_the_heads_phone(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    page = client.get(reverse("cases:household_create")).content.decode()
    head = page[page.index('id="head"'):page.index("<h2>家庭经济状况</h2>")]
    assert '<label for="id_head-phone">户主联系电话</label>' in head
    assert '<label for="id_h-phone">家庭其他联系电话</label>' in head
    assert "不填则以户主电话为联系电话" in head
    assert head.index('name="head-phone"') < head.index('name="h-phone"')
    rows = page[:page.index('<template id="member-template">')]
    assert rows.count('name="h-phone"') == 1 and rows.count("联系电话</label>") == 3  # head, household, member row


def test_each_phone_is_stored_where_it_belongs(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    client.post(reverse("cases:household_create"),
                dossier_post(community, **{"head-phone": "13812345678", "h-phone": "0873-6123456"}))
    household = Household.objects.get()
    assert household.phone == "0873-6123456"
    assert household.members.get().phone == "13812345678"
