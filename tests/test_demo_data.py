import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.idcard import validate_id_number
from cases.models import Household, Member, Move, Status, StatusChange
from network.models import Node, NodeKind, Role, User


@pytest.fixture(autouse=True)
def development(settings):
    """The demo loads only on a development machine (its password is published)."""
    settings.DEBUG = True


def load(households=15):
    out = io.StringIO()
    call_command("load_demo", households=households, stdout=out)
    return out.getvalue()


def test_the_demo_county_has_its_network_staff_at_every_level_and_valid_dossiers(db):
    load()
    assert Node.objects.filter(kind=NodeKind.CENTER).count() == 1
    townships = set(Node.objects.filter(kind=NodeKind.TOWNSHIP).values_list("name", flat=True))
    assert len(townships) == 13 and "弥阳镇工会联合会" in townships and "江边乡工会联合会" in townships
    assert Node.objects.filter(kind=NodeKind.SYSTEM).count() >= 3
    for level in (1, 2, 3, 4):
        roles = set(User.objects.filter(node__level=level).values_list("role", flat=True))
        assert roles == set(Role.values), level
    assert User.objects.get(username="miyang_reviewer").check_password("Union-Aid-Demo-2026")
    assert Household.objects.count() == 15
    for id_number in Member.objects.values_list("id_number", flat=True):
        validate_id_number(id_number)


def test_the_demos_dossiers_come_through_the_services_in_every_status(db):
    load(60)
    statuses = set(Household.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.EXITED, Status.IN_NOTICE} <= statuses
    on_file = Household.objects.filter(status=Status.APPROVED)
    # every on-file dossier was imported from paper with its number and an import step
    assert all(h.number for h in on_file)
    assert StatusChange.objects.filter(action=Move.IMPORT).count() == Household.objects.filter(
        status__in=[Status.APPROVED, Status.EXITED]).count()
    assert StatusChange.objects.filter(action=Move.PRELIMINARY).exists()
    # every household is its listed members
    for household in Household.objects.prefetch_related("members"):
        assert household.household_size == len(household.members.all())


def test_the_demo_is_spread_over_the_past_years_not_entered_today(db):
    load(40)
    years = {timezone.localdate(at).year for at in Household.objects.values_list("created_at", flat=True)}
    assert len(years) >= 3
    assert not Household.objects.filter(created_at__date=timezone.localdate()).exists()


def test_the_demo_prints_which_account_to_try_for_what(db):
    out = load()
    assert "miyang_reviewer" in out and "弥阳镇的初审" in out and "center_admin" in out


def test_the_demo_refuses_to_load_outside_development(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        load()
    assert not User.objects.exists()


def test_loading_the_demo_twice_adds_nothing(db):
    load()
    counts = (Node.objects.count(), User.objects.count(), Household.objects.count(), Member.objects.count())
    load()
    assert (Node.objects.count(), User.objects.count(), Household.objects.count(), Member.objects.count()) == counts


def test_the_demo_has_funds_with_receipts_an_allocation_and_a_ledger_that_adds_up(db):
    from outreach.models import EntryKind, Fund, LedgerEntry
    from outreach.services import ledger_differences

    load(60)
    funds = Fund.objects.select_related("node")
    assert {f.node.code for f in funds} == {"532526000", "532526010", "532526020"}
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert {EntryKind.RECEIPT, EntryKind.DONATION, EntryKind.ALLOCATION_OUT, EntryKind.ALLOCATION_IN} <= kinds
    assert all(f.balance_fen > 0 for f in funds)
    assert ledger_differences() == []


def test_the_demo_has_cadres_paired_with_on_file_households_and_one_not_visited_for_four_months(db):
    from outreach.models import AidState, Cadre, PairingVisit, Program
    from outreach.views.pairing import overdue_pairings

    load(60)
    assert Cadre.objects.count() == 3
    pairings = [p for c in Cadre.objects.prefetch_related("pairings__household") for p in c.pairings.all()]
    assert len(pairings) >= 4 and all(p.household.status == Status.APPROVED for p in pairings)
    assert PairingVisit.objects.count() >= 2 * len(pairings)
    visit_aid = [v.aid for v in PairingVisit.objects.filter(aid__isnull=False).select_related("aid")]
    assert visit_aid and {a.program for a in visit_aid} == {Program.PAIRING}
    assert {AidState.PAID, AidState.PLANNED} <= {a.state for a in visit_aid}
    overdue = list(overdue_pairings(User.objects.get(username="center_admin"), 3))
    assert overdue and {p.cadre.name for p in overdue} == {"杨国华"}
    assert all(90 < (timezone.localdate() - p.last_visit).days < 150 for p in overdue if p.last_visit)


def test_loading_the_demo_twice_adds_no_money_nor_pairs(db):
    from outreach.models import Cadre, Fund, LedgerEntry, Pairing, PairingVisit

    load(30)
    models = (Fund, LedgerEntry, Cadre, Pairing, PairingVisit)
    counts = [model.objects.count() for model in models]
    load(30)
    assert [model.objects.count() for model in models] == counts and counts[0] == 4


def test_the_demo_has_a_finished_campaign_and_one_under_way(db):
    from outreach.models import AidState, Campaign, CampaignState, ReturnVisit

    load(30)
    finished, running = Campaign.objects.get(state=CampaignState.CLOSED), Campaign.objects.get(state=CampaignState.CONFIRMED)
    listed = finished.recipients.filter(removed_reason="").count()
    assert listed and finished.aid_records.filter(state=AidState.PAID).count() == listed
    assert ReturnVisit.objects.filter(campaign=finished).exists()
    states = sorted(running.aid_records.values_list("state", flat=True))
    assert AidState.PAID in states and AidState.PLANNED in states
    assert running.aid_records.filter(signed=False).exists()
    assert running.starts_on <= timezone.localdate() <= running.ends_on
    out = io.StringIO()
    call_command("check_ledger", stdout=out)
    assert "一致" in out.getvalue()
