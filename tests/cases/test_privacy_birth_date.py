"""The masked digits of an ID number are its birth date: wherever the number is masked, the birth
date shows as the year alone (the dossier page, the PDF, the admin's member pages and inline)."""

import datetime

from django.urls import reverse

from cases.models import Relation
from cases.sensitive import shown_birth_date

from .conftest import make_household, make_id_number
from .test_household_pdf import pdf_text, unspaced

HEAD_BIRTH = datetime.date(1975, 3, 14)
SPOUSE_BIRTH = datetime.date(1977, 6, 2)
HEAD_ID = make_id_number(HEAD_BIRTH, serial=361)
SPOUSE_ID = make_id_number(SPOUSE_BIRTH, serial=362, male=False)


def full_dates(date):
    """Every way a page may write ``date`` in full: ISO, Chinese, digits as in the ID number."""
    return [date.isoformat(), f"{date.year}年{date.month}月{date.day}日", f"{date:%Y%m%d}", f"{date:%Y/%m/%d}"]


def shows_a_full_birth_date(text):
    return any(form in text for date in (HEAD_BIRTH, SPOUSE_BIRTH) for form in full_dates(date))


def family(community, community_clerk):
    return make_household(
        community, community_clerk, head_id=HEAD_ID, members=[("李秀英", Relation.SPOUSE, SPOUSE_ID)]
    )


def test_a_masked_birth_date_shows_only_the_year():
    assert shown_birth_date(HEAD_BIRTH, False) == "1975年"
    assert shown_birth_date("1975-03-14", False) == "1975年"


def test_an_unmasked_birth_date_shows_in_full():
    assert shown_birth_date(HEAD_BIRTH, True) == "1975-03-14"


def test_no_birth_date_shows_nothing():
    assert shown_birth_date(None, False) == "" and shown_birth_date("", True) == ""


def test_the_dossier_page_shows_only_birth_years_beside_masked_numbers(client, township_reviewer, community, community_clerk):
    household = family(community, community_clerk)
    client.force_login(township_reviewer)

    page = client.get(household.get_absolute_url()).content.decode()

    assert "1975年" in page and "1977年" in page
    assert not shows_a_full_birth_date(page)


def test_the_dossier_page_shows_full_birth_dates_beside_revealed_numbers(client, township_reviewer, community, community_clerk):
    household = family(community, community_clerk)
    client.force_login(township_reviewer)

    page = client.get(household.get_absolute_url(), {"unmask": "1"}).content.decode()

    assert HEAD_ID in page and "1975-03-14" in page and "1977-06-02" in page


def test_the_printed_dossier_shows_only_birth_years_beside_masked_numbers(client, center_leader, community, community_clerk, tmp_path):
    household = family(community, community_clerk)
    client.force_login(center_leader)

    text = unspaced(pdf_text(client.get(reverse("cases:household_pdf", args=[household.pk])).content, tmp_path, layout=False))

    assert "1975年" in text and "1977年" in text
    assert not shows_a_full_birth_date(text)


def test_the_printed_dossier_shows_full_birth_dates_when_revealed(client, township_reviewer, community, community_clerk, tmp_path):
    household = family(community, community_clerk)
    client.force_login(township_reviewer)

    url = reverse("cases:household_pdf", args=[household.pk]) + "?unmask=1"
    text = unspaced(pdf_text(client.get(url).content, tmp_path, layout=False))

    assert "1975-03-14" in text and "1977-06-02" in text


def test_the_admin_member_pages_show_only_birth_years_to_a_leader(client, center_leader, community, community_clerk):
    household = family(community, community_clerk)
    spouse = household.members.get(relation=Relation.SPOUSE)
    client.force_login(center_leader)

    changelist = client.get(reverse("admin:cases_member_changelist")).content.decode()
    change = client.get(reverse("admin:cases_member_change", args=[spouse.pk])).content.decode()

    assert not shows_a_full_birth_date(changelist)
    assert "1977年" in change and not shows_a_full_birth_date(change)


def test_the_admin_dossier_page_shows_only_birth_years_of_its_members_to_a_leader(client, center_leader, community, community_clerk):
    household = family(community, community_clerk)
    client.force_login(center_leader)

    page = client.get(reverse("admin:cases_household_change", args=[household.pk])).content.decode()

    assert "1975年" in page and "1977年" in page
    assert not shows_a_full_birth_date(page)


def test_the_admin_dossier_page_shows_full_birth_dates_to_who_may_see_full_numbers(client, center_admin, community, community_clerk):
    household = family(community, community_clerk)
    client.force_login(center_admin)

    page = client.get(reverse("admin:cases_household_change", args=[household.pk])).content.decode()

    assert HEAD_ID in page and "1975-03-14" in page
