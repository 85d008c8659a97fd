"""Personas for every test: a user at each level of the network (center, township, community,
enterprise point), a colleague at the same node and an outsider at a sibling township. Data is
built in code by small make_* helpers.

The clock: a test whose outcome depends on today's date sets it with time-machine, on the
county's clock (Asia/Shanghai), so it passes on any day it is run:

    @frozen_at(2026, 11, 30)            # the test and its fixtures start at 10:00 that day
    def test_...(...):

    pytestmark = frozen_at(2026, 11, 30)  # a whole module

    def test_...(time_machine):          # or move within the test
        time_machine.move_to(county_time(2027, 1, 1, 0, 30), tick=False)
        time_machine.shift(datetime.timedelta(days=7))

The clock runs on from the moment set (so entries keep their order), unless ``tick=False``
stops it there (for a test at the edge of a day or a year)."""

import datetime
import itertools
import re
import zoneinfo

import pytest

from network.models import Enterprise, Node, NodeKind, Role, User

PASSWORD = "Correct-Horse-Battery-9"
COUNTY_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
_codes = itertools.count(1)


def county_time(year, month, day, hour=10, minute=0):
    """A moment on the county's clock (Asia/Shanghai, the settings' TIME_ZONE), for time-machine."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=COUNTY_TZ)


def frozen_at(year, month, day, hour=10, minute=0, *, tick=True):
    """Marks a test (or, as ``pytestmark``, a module) to run with the clock set to that moment,
    fixtures included: ``timezone.now()`` and ``timezone.localdate()`` answer from there."""
    return pytest.mark.time_machine(county_time(year, month, day, hour, minute), tick=tick)


def make_node(kind, parent=None, name=None, **fields):
    code = fields.pop("code", None) or f"T{next(_codes):06d}"
    return Node.objects.create(code=code, name=name or f"{NodeKind(kind).label}{code}", kind=kind, parent=parent, **fields)


def make_user(username, node, role=Role.DATA_ENTRY, **fields):
    user = User(username=username, node=node, role=role, name=fields.pop("name", username), is_staff=True, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_enterprise(node, name=None, **fields):
    fields.setdefault("nature", "collective")
    return Enterprise.objects.create(node=node, name=name or f"{node.name}单位", **fields)


@pytest.fixture
def center(db):
    return make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")


@pytest.fixture
def township(center):
    return make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")


@pytest.fixture
def sibling_township(center):
    return make_node(NodeKind.TOWNSHIP, center, name="新哨镇工会联合会")


@pytest.fixture
def community(township):
    return make_node(NodeKind.COMMUNITY, township, name="髯翁社区援助分站")


@pytest.fixture
def enterprise_point(community):
    return make_node(NodeKind.ENTERPRISE, community, name="木器厂援助工作点")


@pytest.fixture
def sibling_community(sibling_township):
    return make_node(NodeKind.COMMUNITY, sibling_township, name="新哨社区援助分站")


@pytest.fixture
def center_admin(center):
    return make_user("center_admin", center, Role.CENTER_ADMIN, name="李建华")


@pytest.fixture
def center_leader(center):
    return make_user("center_leader", center, Role.LEADER, name="领导")


@pytest.fixture
def township_reviewer(township):
    return make_user("miyang_reviewer", township, Role.REVIEWER, name="王丽萍")


@pytest.fixture
def township_admin(township):
    return make_user("miyang_admin", township, Role.CENTER_ADMIN, name="弥阳管理员")


@pytest.fixture
def colleague(township):
    return make_user("miyang_clerk", township, Role.DATA_ENTRY, name="张志强")


@pytest.fixture
def community_clerk(community):
    return make_user("ranweng_clerk", community, Role.DATA_ENTRY, name="赵桂兰")


@pytest.fixture
def enterprise_clerk(enterprise_point):
    """A clerk at the fourth level: an enterprise's aid point, below the community."""
    return make_user("muqi_entry", enterprise_point, Role.DATA_ENTRY, name="孙立新")


@pytest.fixture
def outsider(sibling_township):
    return make_user("xinshao_reviewer", sibling_township, Role.REVIEWER, name="刘德明")


@pytest.fixture
def outsider_admin(sibling_township):
    return make_user("xinshao_admin", sibling_township, Role.CENTER_ADMIN, name="陈海燕")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's real hasher costs a third of a second a password; the tests test rules, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# every entry the suite writes is searched for what the audit log must never hold
_ID_NUMBER = re.compile(r"\d{17}[\dXx]")
_PHONE = re.compile(r"1\d{10}")


def personal_values_in_audit_log():
    """(entry, value) for every audit entry that holds a worker's ID number, phone, bank account,
    name, address or illness, or anything shaped like an ID or mobile number. The staff member's
    own name is the entry's subject (user_name) and is not searched."""
    from cases.models import Household, Member
    from network.models import AuditEntry

    values = set()
    for name, id_number, phone, disease in Member.objects.values_list("name", "id_number", "phone", "disease"):
        values |= {name, id_number, phone, disease}
    for phone, account, address in Household.objects.values_list("phone", "bank_account", "address"):
        values |= {phone, account, address}
    values = {value for value in values if value and len(value) >= 2}
    found = []
    for entry in AuditEntry.objects.all():
        text = " ".join(str(v) for v in (entry.username, entry.node_name, entry.object_type, entry.object_id,
                                          entry.detail, entry.ip_address or ""))
        found += [(entry, value) for value in values if value in text]
        found += [(entry, match) for match in _ID_NUMBER.findall(text) + _PHONE.findall(text)]
    return found


@pytest.fixture(autouse=True)
def no_personal_values_in_the_audit_log(request):
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db")
    if not uses_db:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import DatabaseError

    try:
        found = personal_values_in_audit_log()
    except DatabaseError:
        return  # the test left its transaction broken on purpose (a refused write): nothing to read
    assert not found, f"personal values in the audit log: {found}"


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings, tmp_path):
    """Background jobs run inside the request that starts them (the Tasks API's immediate backend),
    their progress in this process's memory, their files under the test's own folder. One
    integration test per database runs the real worker (tests/network/test_job_worker.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {**settings.CACHES, "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                   "LOCATION": "jobs-in-tests"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
