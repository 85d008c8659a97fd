"""A big export runs as a background job: the request is answered with the job page, the worker
writes the roster for the user with his scope, filter and masking, and only he (or the center admin
over him) downloads it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Status
from network.models import Job, JobState

from .conftest import make_household, make_id_number


@pytest.fixture
def three_households(community, community_clerk, sibling_community, outsider, settings):
    settings.EXPORT_INLINE_MAX = 2
    ids = [make_id_number() for _ in range(3)]
    for number in ids:
        make_household(community, community_clerk, head_id=number, status=Status.APPROVED)
    make_household(sibling_community, outsider, head_name="王新哨")
    return ids


@pytest.mark.parametrize("name,first_id_column", [
    ("cases:household_export", 2), ("cases:household_member_export", 5), ("cases:household_official_export", 7),
])
def test_a_roster_over_the_limit_is_written_by_the_worker_and_downloaded_from_the_job_page(
    client, township_reviewer, outsider_admin, three_households, name, first_id_column
):
    client.force_login(township_reviewer)
    response = client.get(reverse(name), {"status": "approved"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.state == JobState.SUCCEEDED and job.result_name.endswith(".xlsx") and "3户" in job.message
    assert "status=approved" in job.params["query"] and not job.task_id.isdigit()
    download = client.get(reverse("network:job_result", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert "状态=在档" in sheet["A1"].value
    numbers = [row[first_id_column] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(numbers) == sorted(n[:6] + "********" + n[-4:] for n in three_households)
    client.force_login(outsider_admin)
    assert client.get(reverse("network:job_result", args=[job.pk])).status_code == 404


def test_a_roster_within_the_limit_is_answered_at_once(client, township_reviewer, three_households, settings):
    settings.EXPORT_INLINE_MAX = 10
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:household_export"))
    assert response.status_code == 200 and not Job.objects.exists()
