"""Approving a whole finished 公示 at once, from its page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Status

from .test_notices import _objection, _publish, make_household


@pytest.fixture
def finished(center_admin, township, community, colleague):
    households = [
        make_household(township, colleague, head_name="张志强", status=Status.CENTER_PASSED),
        make_household(community, colleague, head_name="赵桂兰", status=Status.CENTER_PASSED),
        make_household(community, colleague, head_name="杨文华", status=Status.CENTER_PASSED),
    ]
    return _publish(center_admin, households, starts_on=timezone.localdate() - datetime.timedelta(days=10)), households


def test_the_center_approves_a_finished_notice_at_once_except_an_open_objection(client, center_admin, finished):
    batch, (zhang, zhao, yang) = finished
    _objection(batch, center_admin, head_name="杨文华")
    client.force_login(center_admin)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "公示期满：审批通过 2 户" in page
    response = client.post(reverse("cases:notice_approve", args=[batch.pk]), follow=True)
    for household in (zhang, zhao, yang):
        household.refresh_from_db()
    assert zhang.status == zhao.status == Status.APPROVED
    assert zhang.number and zhao.number and zhang.number != zhao.number
    assert yang.status == Status.IN_NOTICE and yang.number is None
    shown = response.content.decode()
    assert "已审批通过2户" in shown and "公示期间的异议尚未处理完毕" in shown
    assert zhang.status_changes.filter(action="approve", actor=center_admin, opinion="公示期满，无异议。").exists()


def test_a_notice_still_running_is_not_approved(client, center_admin, township, colleague):
    household = make_household(township, colleague, status=Status.CENTER_PASSED)
    batch = _publish(center_admin, [household])
    client.force_login(center_admin)
    assert "公示期满：审批通过" not in client.get(batch.get_absolute_url()).content.decode()
    response = client.post(reverse("cases:notice_approve", args=[batch.pk]), follow=True)
    household.refresh_from_db()
    assert household.status == Status.IN_NOTICE
    assert "公示期满后才能审批" in response.content.decode()


def test_the_clerk_who_entered_a_dossier_cannot_approve_it_through_the_batch(finished, colleague, center_admin):
    batch, households = finished
    type(households[0]).objects.filter(pk=households[0].pk).update(created_by=center_admin)
    approved, refused = services.notice_approve(batch=batch, actor=center_admin)
    assert len(approved) == 2
    assert refused == [(households[0], "录入或修改过该档案的工作人员不能审核、审批或复核同一份档案。")]


def test_a_township_reviewer_cannot_approve_a_notice(client, township_reviewer, finished):
    batch, households = finished
    client.force_login(township_reviewer)
    assert client.post(reverse("cases:notice_approve", args=[batch.pk])).status_code == 403
    households[0].refresh_from_db()
    assert households[0].status == Status.IN_NOTICE


def test_approving_a_notice_answers_get_with_405(client, center_admin, finished):
    batch, _households = finished
    client.force_login(center_admin)
    assert client.get(reverse("cases:notice_approve", args=[batch.pk])).status_code == 405
