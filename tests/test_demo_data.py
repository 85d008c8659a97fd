import io

from django.core.management import call_command

from cases.idcard import validate_id_number
from cases.models import Household, Member
from network.models import Node, NodeKind, Role, User


def load(households=15):
    call_command("load_demo", households=households, stdout=io.StringIO())


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


def test_loading_the_demo_twice_adds_nothing(db):
    load()
    counts = (Node.objects.count(), User.objects.count(), Household.objects.count(), Member.objects.count())
    load()
    assert (Node.objects.count(), User.objects.count(), Household.objects.count(), Member.objects.count()) == counts
