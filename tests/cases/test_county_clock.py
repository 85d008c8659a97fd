"""Rules that turn on today's date, run on a set clock (time-machine) on the county's time: a
notice runs its days before approval, a dossier approved just after midnight on 1 January is
numbered in the new year (in UTC it is still 31 December), the year's annual reviews start
afresh, and a dossier is measured against the 低保 standard of the year it is filed.

The pattern for campaigns and year-end reports: ``@frozen_at(...)`` or the ``time_machine``
fixture with ``county_time(...)`` (see tests/conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Household, Status
from cases.services import WorkflowError, household_annual_review

from ..conftest import county_time, frozen_at
from .conftest import make_household, make_id_number, make_standard
from .test_dossier_form import dossier_post


@pytest.fixture
def passed(community, community_clerk):
    return make_household(community, community_clerk, status=Status.CENTER_PASSED)


def publish(center_admin, household, days=7):
    today = timezone.localdate()
    return services.notice_publish(actor=center_admin, title="公示", starts_on=today,
                                   ends_on=today + datetime.timedelta(days=days - 1), households=[household])


@frozen_at(2026, 11, 30)
def test_the_clock_is_set_for_the_test_and_its_fixtures(passed):
    assert timezone.localdate() == datetime.date(2026, 11, 30)
    assert timezone.localdate(passed.created_at) == datetime.date(2026, 11, 30)


def test_a_notice_published_today_is_approved_only_once_its_days_have_run(
    passed, center_admin, time_machine
):
    time_machine.move_to(county_time(2026, 11, 30, 9, 0))
    batch = publish(center_admin, passed)
    assert batch.ends_on == datetime.date(2026, 12, 6) and settings.NOTICE_DAYS == 7

    time_machine.move_to(county_time(2026, 12, 6, 17, 0))  # the last day of the notice
    with pytest.raises(WorkflowError, match="公示期满后才能审批"):
        services.household_approve(household=passed, actor=center_admin)

    time_machine.move_to(county_time(2026, 12, 7, 8, 30))  # the morning after
    services.household_approve(household=passed, actor=center_admin)
    passed.refresh_from_db()
    assert passed.status == Status.APPROVED and passed.number


def test_a_dossier_approved_just_after_midnight_on_new_years_day_is_numbered_in_the_new_year(
    passed, center_admin, time_machine
):
    time_machine.move_to(county_time(2026, 12, 20))
    publish(center_admin, passed)
    # 00:30 in the county is still 16:30 on 31 December in UTC
    time_machine.move_to(county_time(2027, 1, 1, 0, 30), tick=False)
    assert timezone.now().astimezone(datetime.timezone.utc).year == 2026

    services.household_approve(household=passed, actor=center_admin)

    passed.refresh_from_db()
    assert passed.number.startswith(f"{settings.COUNTY_CODE}2027")
    assert timezone.localdate(passed.approved_at) == datetime.date(2027, 1, 1)


def test_on_new_years_day_last_years_reviewed_dossiers_wait_for_this_years_review_again(
    client, community, community_clerk, center_admin, time_machine
):
    time_machine.move_to(county_time(2025, 6, 1))
    household = make_household(community, community_clerk, head_name="去年批准户", status=Status.APPROVED)
    time_machine.move_to(county_time(2026, 3, 1))
    household_annual_review(household=household, actor=center_admin, year=2026, outcome="confirm")

    def not_reviewed():
        client.force_login(center_admin)  # a session idle for months has ended
        response = client.get(reverse("cases:household_list"), {"not_reviewed": "true"})
        return {h.head_name for h in response.context["page"]}

    time_machine.move_to(county_time(2026, 12, 31, 23, 59), tick=False)
    assert not_reviewed() == set()
    time_machine.move_to(county_time(2027, 1, 1, 0, 1), tick=False)
    assert not_reviewed() == {"去年批准户"}


def test_a_dossier_filed_on_new_years_eve_is_measured_against_that_years_standard(
    client, community_clerk, community, center, time_machine
):
    make_standard(center, year=2026, urban="700.00")
    make_standard(center, year=2027, urban="800.00")  # next year's, already published in December

    time_machine.move_to(county_time(2026, 12, 31, 23, 50), tick=False)
    client.force_login(community_clerk)
    assert client.post(reverse("cases:household_create"), dossier_post(community)).status_code == 302
    time_machine.move_to(county_time(2027, 1, 1, 0, 10), tick=False)
    other_head = {"head-id_number": make_id_number(), "head-name": "李新年"}
    assert client.post(reverse("cases:household_create"), dossier_post(community, **other_head)).status_code == 302

    standards = dict(Household.objects.values_list("filed_on", "dibao_standard_monthly"))
    assert standards == {datetime.date(2026, 12, 31): Decimal("700.00"), datetime.date(2027, 1, 1): Decimal("800.00")}
