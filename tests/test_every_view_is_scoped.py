"""The safety net under the scoping mechanism: every page of our apps that takes an object's id is
listed here with an object of the 弥阳 township, and an administrator of the sibling township (who
has every permission a role can give) must get 404 from it, by GET and by POST.

The pages are found by walking the URLconf, not from a list of apps: any URL pattern whose view
lives in one of the project's own apps (network, cases, outreach, union_aid, and whatever app
joins them) and takes an id (an int or uuid converter, or an argument named pk, id, *_pk or *_id)
must be in the table below, so a new page with an id, in any app, fails the first test until it is
added. The admin site is left out: its object pages are scoped by ScopedAdminMixin, which the
network.E001 check requires of every scoped model's admin, and tested in tests/cases/test_admin.py."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from cases.models import EconomicCheck, NoticeBatch, NoticeEntry, Objection, Status

from .cases.conftest import make_household, make_standard
from .outreach.campaign_data import outsider_rows as campaign_outsider_rows


def _is_ours(view):
    """The view lives in one of the project's own apps (a package beside manage.py)."""
    module = getattr(view, "__module__", None) or ""
    config = apps.get_containing_app_config(module)
    return config is not None and Path(config.path).parent == Path(settings.BASE_DIR)


def _takes_an_id(pattern):
    """The pattern has an argument that names an object: an int/uuid converter or pk, id, *_pk, *_id."""
    converters = getattr(pattern.pattern, "converters", {})
    names = set(converters) | set(pattern.pattern.regex.groupindex)
    if pattern.pattern.regex.groups > len(pattern.pattern.regex.groupindex):
        return True  # an unnamed regex group: cannot tell, so count it
    return any(isinstance(converter, (IntConverter, UUIDConverter)) for converter in converters.values()) or any(
        name in ("pk", "id") or name.endswith(("_pk", "_id")) for name in names
    )


def _pages_with_ids(patterns=None, namespace=""):
    """Every named page of our apps in the URLconf that takes an id, as "namespace:name"."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == admin.site.name:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pages_with_ids(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and _is_ours(pattern.callback) and _takes_an_id(pattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_the_walk_finds_the_pages_of_every_app_with_ids():
    """The control for the walk itself: it sees both apps' pages with an id, and pages without one
    (lists) or outside our apps (login, the admin) are not counted."""
    found = set(_pages_with_ids())
    assert {"cases:household_detail", "cases:household_economic_check_result", "network:staff_edit"} <= found
    assert not found & {"cases:household_list", "network:staff_list", "home", "login"}
    assert not any(name.startswith("admin:") for name in found)



def test_the_first_outreach_page_with_an_id_is_caught():
    def campaign_detail(request, pk):
        return HttpResponse()

    campaign_detail.__module__ = "outreach.views"  # as if defined there: outreach has no pages yet
    urls = [path("outreach/", include(([path("<int:pk>/", campaign_detail, name="campaign_detail"),
                                        path("", campaign_detail, name="campaign_list")], "outreach")))]
    assert set(_pages_with_ids(urls)) == {"outreach:campaign_detail"}


def _pairing_rows(township, community, clerk, admin):
    """A cadre of the township paired with an on-file household of its community."""
    from outreach.models import Cadre, Pairing

    household = make_household(community, clerk, status=Status.APPROVED, head_name="结对户")
    cadre = Cadre.objects.create(node=township, name="杨文华", post="镇长", rank="section", unit="弥阳镇人民政府")
    return Pairing.objects.create(cadre=cadre, household=household, starts_on=timezone.localdate(), created_by=admin)


def _job_rows(community, clerk):
    """A finished job of a community clerk with a result file, and his import preview."""
    from django.core.files.base import ContentFile

    from network.models import Job, JobState

    job = Job(kind="cases.import_preview", owner=clerk, node=community, state=JobState.SUCCEEDED,
              result_name="report.xlsx")
    job.result.save("report.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    preview = Job.objects.create(kind="cases.import_preview", owner=clerk, node=community, state=JobState.SUCCEEDED,
                                 outcome={"counts": {"new": 1, "errors": 0}, "errors": [], "writes": 1})
    return job, preview


@pytest.fixture
def township_objects(center, township, community, community_clerk, colleague, center_admin):
    household = make_household(community, community_clerk, status=Status.IN_NOTICE)
    check = EconomicCheck.objects.create(household=household, requested_by=center_admin)
    batch = NoticeBatch.objects.create(title="公示", node=center, starts_on=timezone.localdate(),
                                       ends_on=timezone.localdate() + datetime.timedelta(days=6), created_by=center_admin)
    entry = NoticeEntry.objects.create(batch=batch, household=household)
    objection = Objection.objects.create(entry=entry, content="异议", logged_by=center_admin)
    standard = make_standard(township)
    campaign_pages = campaign_outsider_rows(township, community, community_clerk, center_admin)
    from outreach.models import AidRecord, Fund, FundSource

    fund = Fund.objects.create(node=township, name="送温暖资金", source=FundSource.objects.get_or_create(name="工会经费")[0],
                               year=timezone.localdate().year)
    aid = AidRecord.objects.create(program="living", household=household, node=community, goods="大米",
                                   given_on=timezone.localdate(), recorded_by=center_admin)
    pairing = _pairing_rows(township, community, community_clerk, center_admin)
    job, preview = _job_rows(community, community_clerk)
    from network.models import Job, JobState

    rows_preview = Job.objects.create(kind="cases.rows_preview", owner=community_clerk, node=community,
                                      state=JobState.SUCCEEDED, params={"import": "units"},
                                      outcome={"counts": {"new": 1}, "errors": [], "writes": 1})
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
        "cases:notice_pdf": {"pk": batch.pk},
        "cases:notice_approve": {"pk": batch.pk},
        "cases:objection_create": {"pk": batch.pk},
        "cases:objection_resolve": {"pk": objection.pk},
        "cases:standard_edit": {"pk": standard.pk},
        "network:node_detail": {"pk": community.pk},
        "network:staff_edit": {"pk": colleague.pk},
        "network:staff_toggle_active": {"pk": colleague.pk},
        **campaign_pages,
        "outreach:fund_detail": {"pk": fund.pk},
        "outreach:fund_receive": {"pk": fund.pk},
        "outreach:fund_allocate": {"pk": fund.pk},
        "outreach:aid_reverse": {"pk": aid.pk},
        **{f"outreach:{name}": {"pk": pairing.cadre_id} for name in ("cadre_detail", "cadre_edit", "pairing_create")},
        **{f"outreach:{name}": {"pk": pairing.pk} for name in ("pairing_end", "pairing_visit_create")},
        **{f"network:{name}": {"pk": job.pk} for name in ("job_detail", "job_progress", "job_result")},
        "cases:household_import_confirm": {"pk": preview.pk},
        "cases:row_import_confirm": {"pk": rows_preview.pk},
    }


def test_every_page_with_an_id_is_in_the_outsider_table(township_objects):
    found = set(_pages_with_ids())
    assert found - set(township_objects) == set(), "pages with an id missing from the outsider table"
    assert set(township_objects) - found == set(), "the table names pages the URLconf no longer has"


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
