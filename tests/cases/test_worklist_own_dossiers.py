"""The worklist leaves out a reviewer's own dossiers: one he entered waits in his colleagues'
queues, never in his own, on the worklist page and in the home page's counts alike."""

from django.urls import reverse

from cases.models import Status
from network.models import Role

from ..conftest import make_user
from .conftest import make_household


def group(response, key):
    return next((entry for entry in response.context["groups"] if entry["key"] == key), None)


def heads(entry):
    return {row.head_name for row in entry["rows"]}


def test_a_township_reviewer_does_not_find_the_dossier_he_entered_in_his_first_review_queue(
    client, community, community_clerk, township_reviewer
):
    make_household(community, township_reviewer, head_name="自录户", status=Status.SUBMITTED)
    make_household(community, community_clerk, head_name="社区录入户", status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    response = client.get(reverse("cases:worklist"))

    entry = group(response, "to_preliminary")
    assert heads(entry) == {"社区录入户"} and entry["count"] == 1
    assert "自录户" not in response.content.decode()


def test_the_dossier_he_entered_waits_in_his_colleagues_queue(client, community, township, township_reviewer):
    colleague_reviewer = make_user("miyang_reviewer2", township, Role.REVIEWER, name="周红梅")
    make_household(community, township_reviewer, head_name="自录户", status=Status.SUBMITTED)
    client.force_login(colleague_reviewer)

    assert heads(group(client.get(reverse("cases:worklist")), "to_preliminary")) == {"自录户"}


def test_the_home_page_counts_leave_out_his_own_dossiers_too(client, community, community_clerk, township_reviewer):
    make_household(community, township_reviewer, head_name="自录户", status=Status.SUBMITTED)
    make_household(community, community_clerk, head_name="社区录入户", status=Status.SUBMITTED)
    client.force_login(township_reviewer)

    cards = client.get(reverse("home")).context["cards"]

    [card] = [card for card in cards if card.get("anchor") == "to_preliminary"]
    assert card["count"] == 1


def test_the_center_review_queue_leaves_out_a_dossier_the_center_administrator_entered(
    client, center, center_admin, community, community_clerk
):
    make_household(center, center_admin, head_name="中心自录户", status=Status.PRELIM_PASSED)
    make_household(community, community_clerk, head_name="社区录入户", status=Status.PRELIM_PASSED)
    client.force_login(center_admin)

    assert heads(group(client.get(reverse("cases:worklist")), "to_center_review")) == {"社区录入户"}
