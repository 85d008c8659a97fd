"""The safety net under the scoping mechanism: every page that takes an object's id is listed
here with an object of the 弥阳 township, and an administrator of the sibling township (who has
every permission a role can give) must get 404 from it, by GET and by POST. A new page with an id
fails the first test until it is added to the table."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.models import EconomicCheck, NoticeBatch, NoticeEntry, Objection, Status

from .cases.conftest import make_household, make_standard

SCOPED_APPS = ("cases", "network")


def _pages_with_ids(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _pages_with_ids(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace in SCOPED_APPS and "<int:" in str(pattern.pattern):
            yield f"{namespace}:{pattern.name}"


@pytest.fixture
def township_objects(center, township, community, community_clerk, colleague, center_admin):
    household = make_household(community, community_clerk, status=Status.IN_NOTICE)
    check = EconomicCheck.objects.create(household=household, requested_by=center_admin)
    batch = NoticeBatch.objects.create(title="公示", node=center, starts_on=timezone.localdate(),
                                       ends_on=timezone.localdate() + datetime.timedelta(days=6), created_by=center_admin)
    entry = NoticeEntry.objects.create(batch=batch, household=household)
    objection = Objection.objects.create(entry=entry, content="异议", logged_by=center_admin)
    standard = make_standard(township)
    household_pages = {
        name: {"pk": household.pk}
        for name in (
            "household_detail", "household_edit", "household_pdf", "household_submit", "household_preliminary",
            "household_center_review", "household_economic_check", "household_return", "household_approve",
            "household_annual_review", "household_exit", "household_reopen",
        )
    }
    return {
        **{f"cases:{name}": kwargs for name, kwargs in household_pages.items()},
        "cases:household_economic_check_result": {"pk": household.pk, "check_pk": check.pk},
        "cases:notice_detail": {"pk": batch.pk},
        "cases:notice_approve": {"pk": batch.pk},
        "cases:objection_create": {"pk": batch.pk},
        "cases:objection_resolve": {"pk": objection.pk},
        "cases:standard_edit": {"pk": standard.pk},
        "network:node_detail": {"pk": community.pk},
        "network:staff_edit": {"pk": colleague.pk},
        "network:staff_toggle_active": {"pk": colleague.pk},
    }


def test_every_page_with_an_id_is_in_the_outsider_table(township_objects):
    assert set(_pages_with_ids()) == set(township_objects)


def test_an_administrator_of_the_sibling_township_gets_404_from_every_page_with_an_id(
    client, outsider_admin, township_objects
):
    client.force_login(outsider_admin)
    for name, kwargs in township_objects.items():
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"reason": "x", "opinion": "x"}).status_code == 404, name


def test_the_center_reaches_every_one_of_those_pages(client, center_admin, township_objects):
    """The control: the same ids are real, so the outsider's 404 is the scope and not a bad id."""
    client.force_login(center_admin)
    for name, kwargs in township_objects.items():
        assert client.get(reverse(name, kwargs=kwargs)).status_code in (200, 302, 405), name
