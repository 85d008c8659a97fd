"""Exiting an on-file household asks for the reason (none preselected) and a confirmation that
says what it means, on the dossier page and in the admin's exit action; the annual review warns
what an exit outcome means."""

import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from cases.models import ExitReason, Relation, Status, StatusChange

from .conftest import make_household, make_id_number
from .test_workflow_pages import action_form, field_block, messages_of

CHANGELIST = reverse("admin:cases_household_changelist")
MEANING = ("移出在档困难职工名单", "家庭成员不再计入有效档案", "不再享受帮扶", "重新经过初审、中心审核、公示和审批")


@pytest.fixture
def on_file(community, community_clerk, standard):
    return make_household(
        community, community_clerk, status=Status.APPROVED, head_name="马永平",
        members=[("李平凤", Relation.SPOUSE, make_id_number(datetime.date(1978, 4, 2), male=False))],
    )


def exit_url(household):
    return reverse("cases:household_exit", args=[household.pk])


def selected_option(select_html):
    match = re.search(r'<option value="([^"]*)"[^>]*selected', select_html)
    return match.group(1) if match else None


def assert_untouched(household):
    household.refresh_from_db()
    assert household.status == Status.APPROVED and household.exit_reason == ""
    assert household.members.filter(in_active_dossier=True).count() == 2
    assert not StatusChange.objects.filter(household=household).exists()


def test_the_exit_form_preselects_no_reason_and_asks_to_confirm_what_the_exit_means(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    form = action_form(client.get(on_file.get_absolute_url()).content.decode(), exit_url(on_file))

    reason = field_block(form, "reason")
    assert re.search(r'<option value=""[^>]*selected[^>]*>请选择退出原因</option>', reason)
    confirm = field_block(form, "confirm")
    assert 'type="checkbox"' in confirm and "required" in confirm
    for words in MEANING:
        assert words in confirm


def test_an_exit_without_a_reason_is_refused_beside_the_reason_and_changes_nothing(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    response = client.post(exit_url(on_file), {"reason": "", "opinion": "户主退休", "confirm": "on"})

    assert response.status_code == 400
    form = action_form(response.content.decode(), exit_url(on_file))
    assert "请选择退出原因。" in field_block(form, "reason")
    assert "户主退休" in field_block(form, "opinion")
    assert_untouched(on_file)


def test_an_exit_without_the_confirmation_is_refused_and_keeps_the_reason_chosen(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    response = client.post(exit_url(on_file), {"reason": ExitReason.RETIRED, "opinion": ""})

    assert response.status_code == 400
    form = action_form(response.content.decode(), exit_url(on_file))
    assert "请勾选确认后再办理退出。" in field_block(form, "confirm")
    assert selected_option(field_block(form, "reason")) == ExitReason.RETIRED
    assert_untouched(on_file)


def test_an_exit_with_the_reason_chosen_and_confirmed_takes_the_household_off_file(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    response = client.post(exit_url(on_file), {"reason": ExitReason.DECEASED, "confirm": "on"}, follow=True)

    assert messages_of(response) == ["档案已退出。"]
    on_file.refresh_from_db()
    assert (on_file.status, on_file.exit_reason) == (Status.EXITED, ExitReason.DECEASED)
    assert not on_file.members.filter(in_active_dossier=True).exists()


def test_an_outsider_cannot_exit_a_household_of_another_township_even_confirmed(client, on_file, outsider):
    client.force_login(outsider)

    response = client.post(exit_url(on_file), {"reason": ExitReason.RETIRED, "confirm": "on"})

    assert response.status_code == 404
    assert_untouched(on_file)


# --- the admin's exit action ---------------------------------------------------------------------


def act(client, households, **extra):
    data = {"action": "exit_selected", ACTION_CHECKBOX_NAME: [h.pk for h in households], "index": "0", **extra}
    return client.post(CHANGELIST, data)


def test_the_admin_exit_action_asks_for_the_reason_and_the_confirmation_first(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    page = act(client, [on_file]).content.decode()

    assert re.search(r'<option value=""[^>]*selected[^>]*>请选择退出原因</option>', page)
    assert 'name="confirm"' in page
    for words in MEANING:
        assert words in page
    assert_untouched(on_file)


@pytest.mark.parametrize("posted, error", [
    ({"reason": ExitReason.RETIRED}, "请勾选确认后再办理退出。"),
    ({"reason": "", "confirm": "on"}, "请选择退出原因。"),
])
def test_the_admin_exit_action_without_a_reason_or_the_confirmation_exits_nothing(
    client, on_file, township_reviewer, posted, error
):
    client.force_login(township_reviewer)

    response = act(client, [on_file], post="yes", **posted)

    assert response.status_code == 200 and error in response.content.decode()
    assert_untouched(on_file)


def test_the_admin_exit_action_confirmed_exits_the_household(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    response = act(client, [on_file], post="yes", reason=ExitReason.TRANSFERRED, confirm="on")

    on_file.refresh_from_db()
    assert (on_file.status, on_file.exit_reason) == (Status.EXITED, ExitReason.TRANSFERRED)
    assert [str(m) for m in response.wsgi_request._messages] == ["已退出 1 份档案。"]


# --- the annual review's exit outcome ------------------------------------------------------------


def annual_url(household):
    return reverse("cases:household_annual_review", args=[household.pk])


def warning_of(page):
    match = re.search(r'<p class="exit-warning" id="annual_exit_warning"([^>]*)>(.*?)</p>', page, re.S)
    assert match, "the annual review has no exit warning"
    return match.group(1), match.group(2)


def test_the_annual_review_warns_what_an_exit_outcome_means_once_it_is_chosen(client, on_file, township_reviewer):
    client.force_login(township_reviewer)

    attributes, text = warning_of(client.get(on_file.get_absolute_url()).content.decode())
    assert "hidden" in attributes  # shown by the page's script when 退出 is chosen
    for words in MEANING:
        assert words in text

    response = client.post(annual_url(on_file), {"year": timezone.localdate().year, "outcome": "exit", "exit_reason": "", "opinion": ""})
    assert response.status_code == 400
    attributes, _text = warning_of(response.content.decode())
    assert "hidden" not in attributes
    assert_untouched(on_file)


def test_an_annual_review_ending_in_exit_needs_the_confirmation_too(client, on_file, township_reviewer):
    client.force_login(township_reviewer)
    data = {"year": timezone.localdate().year, "outcome": "exit", "exit_reason": ExitReason.RETIRED, "opinion": "退休"}

    response = client.post(annual_url(on_file), data)

    assert response.status_code == 400
    assert "复核结论为退出时，请勾选确认后再提交。" in response.content.decode()
    assert_untouched(on_file)
    client.post(annual_url(on_file), {**data, "confirm": "on"})
    on_file.refresh_from_db()
    assert (on_file.status, on_file.exit_reason) == (Status.EXITED, ExitReason.RETIRED)


def test_an_annual_review_that_confirms_needs_no_exit_confirmation(client, on_file, township_reviewer):
    client.force_login(township_reviewer)
    client.post(annual_url(on_file), {"year": timezone.localdate().year, "outcome": "confirm", "opinion": "情况无变化"})
    assert on_file.annual_reviews.count() == 1
