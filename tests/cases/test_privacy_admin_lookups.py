"""The admin's changelists answer only the lookups their own list filters and date hierarchy make:
a lookup on a sensitive field (phone, ID number, bank account, birth date) or a regex would tell,
request by request, whether a guessed digit is right."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from cases.models import Relation, SensitiveAccess
from cases.sensitive import log_access
from network.models import Role

from ..conftest import make_user
from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(datetime.date(1972, 4, 8), serial=441)
SPOUSE_ID = make_id_number(datetime.date(1974, 9, 30), serial=442, male=False)
HOUSEHOLDS = reverse("admin:cases_household_changelist")
MEMBERS = reverse("admin:cases_member_changelist")
ACCESSES = reverse("admin:cases_sensitiveaccess_changelist")


@pytest.fixture
def finance(center):
    return make_user("center_finance", center, Role.FINANCE, name="钱会计")


@pytest.fixture
def dossiers(township, community, colleague, community_clerk):
    first = make_household(
        township, colleague, head_id=HEAD_ID, phone="13661234567", bank_account="6228480123456789012",
        filed_on=datetime.date(2024, 5, 6), members=[("李秀英", Relation.SPOUSE, SPOUSE_ID)],
    )
    second = make_household(community, community_clerk, head_name="赵德明", filed_on=datetime.date(2025, 11, 2))
    return first, second


def filter_links(page):
    """The query strings of the links of a changelist page (filters, date hierarchy, sorting)."""
    return {html.unescape(link) for link in re.findall(r'href="(\?[^"]*)"', page)}


@pytest.mark.parametrize("lookup", [
    "phone__startswith", "phone", "bank_account__startswith", "members__id_number__startswith",
    "members__phone__startswith", "members__birth_date__year", "id_number__startswith", "birth_date",
    "address__regex", "number__iregex", "members__name__startswith", "created_by__username__startswith",
])
def test_the_dossier_changelist_refuses_a_lookup_its_filters_do_not_make(client, finance, dossiers, lookup):
    client.force_login(finance)

    response = client.get(HOUSEHOLDS, {lookup: "1366"})

    assert response.status_code == 400
    assert "13661234567" not in response.content.decode()


def test_guessing_the_phone_number_digit_by_digit_gets_the_same_answer_for_a_right_and_a_wrong_guess(client, finance, dossiers):
    client.force_login(finance)

    right = client.get(HOUSEHOLDS, {"phone__startswith": "1366"})
    wrong = client.get(HOUSEHOLDS, {"phone__startswith": "1399"})

    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content


@pytest.mark.parametrize("lookup", [
    "id_number__startswith", "id_number", "phone__startswith", "birth_date__year", "birth_date__gte",
    "household__bank_account__startswith", "household__phone__startswith", "name__regex", "name__iregex",
])
def test_the_member_changelist_refuses_a_lookup_its_filters_do_not_make(client, finance, dossiers, lookup):
    client.force_login(finance)

    assert client.get(MEMBERS, {lookup: "1972"}).status_code == 400


@pytest.mark.parametrize("lookup", [
    "household__members__id_number__startswith", "household__phone__startswith", "user__phone__startswith",
    "user__password__startswith", "detail__regex", "user__username__startswith",
])
def test_the_sensitive_access_changelist_refuses_a_lookup_its_filters_do_not_make(client, center_admin, dossiers, lookup):
    log_access(center_admin, dossiers[0], "page")
    client.force_login(center_admin)

    assert client.get(ACCESSES, {lookup: "53"}).status_code == 400


def test_every_filter_and_date_link_of_the_dossier_changelist_still_works(client, center_admin, dossiers):
    client.force_login(center_admin)
    page = client.get(HOUSEHOLDS).content.decode()
    links = filter_links(page)
    assert {"?status__exact=draft", "?filed_year=2024"} <= links
    assert any(link.startswith("?node__id__exact=") for link in links)

    seen = set()
    for link in links:
        response = client.get(HOUSEHOLDS + link)
        assert response.status_code == 200, link
        seen |= filter_links(response.content.decode())
    # the filing year is a list filter of its own (no date hierarchy: a DISTINCT over every row)
    year = client.get(HOUSEHOLDS + "?filed_year=2024").content.decode()
    assert "张志强" in year and "赵德明" not in year
    assert "?filed_year=2025" in seen
    filtered = client.get(HOUSEHOLDS, {"node__id__exact": dossiers[1].node_id}).content.decode()
    assert "赵德明" in filtered and "张志强" not in filtered


def test_every_filter_link_of_the_member_changelist_still_works(client, center_admin, dossiers):
    client.force_login(center_admin)
    links = filter_links(client.get(MEMBERS).content.decode())
    assert {"?relation__exact=spouse", "?in_active_dossier__exact=1"} <= links

    for link in links:
        assert client.get(MEMBERS + link).status_code == 200, link
    spouses = client.get(MEMBERS, {"relation__exact": "spouse"}).content.decode()
    assert "李秀英" in spouses and "赵德明" not in spouses


def test_every_filter_and_date_link_of_the_sensitive_access_changelist_still_works(client, center_admin, dossiers):
    log_access(center_admin, dossiers[0], "page")
    log_access(center_admin, None, "export", detail="困难类别=深度困难", row_count=2)
    client.force_login(center_admin)
    links = filter_links(client.get(ACCESSES).content.decode())
    year = f"?at__year={SensitiveAccess.objects.first().at.year}"
    assert {"?channel=export", year} <= links

    exports = client.get(ACCESSES, {"channel": "export"}).content.decode()
    assert "困难类别=深度困难" in exports and '<td class="field-channel_label">档案页</td>' not in exports

    for link in links:
        assert client.get(ACCESSES + link).status_code == 200, link


def test_a_raw_id_popup_and_the_search_box_still_answer(client, center_admin, dossiers):
    client.force_login(center_admin)

    assert client.get(HOUSEHOLDS, {"_popup": "1", "_to_field": "id"}).status_code == 200
    assert client.get(HOUSEHOLDS, {"q": "张志强", "o": "1", "p": "1"}).status_code == 200


@pytest.mark.parametrize("changelist, lookup", [
    ("admin:network_node_changelist", "phone__startswith"),
    ("admin:network_node_changelist", "contact_person__regex"),
    ("admin:network_user_changelist", "phone__startswith"),
    ("admin:network_user_changelist", "password__startswith"),
])
def test_the_network_admins_refuse_lookups_their_filters_do_not_make_too(client, center_admin, changelist, lookup):
    client.force_login(center_admin)

    assert client.get(reverse(changelist), {lookup: "1"}).status_code == 400
    assert client.get(reverse(changelist), {"is_active__exact": "1"}).status_code == 200


def test_a_refused_lookup_answers_a_chinese_page(client, finance, dossiers, settings):
    settings.DEBUG = False
    client.force_login(finance)

    response = client.get(HOUSEHOLDS, {"phone__startswith": "1366"})

    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
