"""After a failed save the dossier form lists every refusal at the top, each a link to its field
(household, head, and which member row), and still shows each beside its field."""

import re

from django.urls import reverse

from cases.models import Household

from .conftest import make_id_number
from .test_dossier_form import CHILD_ID, FAMILY, HEAD_ID, SPOUSE_ID, dossier_post

WRONG_CHECK_DIGIT = HEAD_ID[:17] + ("0" if HEAD_ID[17] != "0" else "1")


def summary_links(page):
    match = re.search(r'<div class="error-summary" id="error-summary"(.*?)</div>', page, re.S)
    assert match, "no error summary on the page"
    return re.findall(r'<a href="#([^"]+)">(.*?)</a>', match.group(1))


def test_a_failed_save_lists_each_error_with_a_link_to_its_field(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    family = FAMILY + [("", "child", make_id_number(serial=401), "0")]
    data = dossier_post(community, family, **{"h-address": "", "head-id_number": WRONG_CHECK_DIGIT})
    response = client.post(reverse("cases:household_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    links = summary_links(page)
    assert ("id_h-address", "家庭住址：这个字段是必填项。") in links
    assert ("id_head-id_number", "户主 · 身份证号：身份证号码校验位不正确，请核对后重新输入。") in links
    assert ("id_m-2-name", "成员 3 · 姓名：这个字段是必填项。") in links
    assert len(links) == 3
    # every link leads to a field on the page, where the error is repeated
    for anchor, _text in links:
        assert f'id="{anchor}"' in page
    assert Household.objects.count() == 0


def test_a_member_rows_error_names_the_row_and_the_person(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    family = [("李平凤", "spouse", SPOUSE_ID, "abc"), ("张文", "child", CHILD_ID, "0")]
    response = client.post(reverse("cases:household_create"), dossier_post(community, family))
    links = summary_links(response.content.decode())
    assert links == [("id_m-0-monthly_income", "成员 1（李平凤） · 月收入（元）：请填写金额（元），如 6000、6,000 或 6000.50。")]


def test_an_error_of_the_whole_household_is_in_the_summary(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    response = client.post(reverse("cases:household_create"),
                           dossier_post(community, [("张文", "child", HEAD_ID, "0")]))
    links = summary_links(response.content.decode())
    assert ("id_m-0-id_number", "成员 1（张文） · 身份证号：同一身份证号在本档案中填写了两次。") in links


def test_a_form_without_errors_has_no_summary(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    page = client.get(reverse("cases:household_create")).content.decode()
    assert 'id="error-summary"' not in page and "档案没有保存" not in page
