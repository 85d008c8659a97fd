"""Dossier test data built in code: valid ID numbers, households in any status, a 低保 standard."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.idcard import check_char
from cases.models import Category, DibaoStandard, Household, Member, Relation, Status

# automatic ID numbers are born from this day on, a day for every 500 (a date no test names),
# so they never meet one a test builds from its own serial
AUTO_BIRTHS_FROM = datetime.date(1975, 4, 1)
_auto_ids = itertools.count()
_issued_ids = set()
_dossier_serials = itertools.count(101)


def _id_number(region, birth, serial, male):
    # 500 distinct sequences per birth date and sex: the last digit's parity is the sex
    serial %= 500
    seq = f"{serial % 100:02d}{(serial // 100) * 2 + (1 if male else 0)}"
    first17 = f"{region}{birth:%Y%m%d}{seq}"
    return first17 + check_char(first17)


def make_id_number(birth=None, region="532526", serial=None, male=True):
    """A valid 18-character ID number (never a real person's: the serials are made up).

    With a ``serial`` it is the same number every time (a test builds it twice: to file it and
    to look for it), born on ``birth`` (14 March 1975 by default). Without one, every call gives
    a number no call gave before: born on ``birth`` when given, else on a day of its own."""
    if serial is not None:
        number = _id_number(region, birth or datetime.date(1975, 3, 14), serial, male)
    else:
        while True:
            n = next(_auto_ids)
            number = _id_number(region, birth or AUTO_BIRTHS_FROM + datetime.timedelta(days=n // 500), n, male)
            if number not in _issued_ids:
                break
    _issued_ids.add(number)
    return number


def make_standard(node, year=None, urban="700.00", rural="560.00"):
    return DibaoStandard.objects.create(
        node=node, year=year or timezone.localdate().year, urban_monthly=Decimal(urban), rural_monthly=Decimal(rural)
    )


def make_household(node, created_by, *, head_name="张志强", head_id=None, status=Status.DRAFT, members=(),
                   monthly_income="900.00", household_size=None, category=Category.DEEP, number=None, **fields):
    """A dossier with its head (and ``members``: (name, relation, id_number) tuples) in ``status``.

    The household size is the number of people listed, as the dossier service counts it; pass
    ``household_size`` only to build a row as the database may hold it from before that rule."""
    fields.setdefault("primary_cause", "laid_off")
    fields.setdefault("address", "弥勒县弥阳镇髯翁社区")
    household = Household.objects.create(
        node=node, created_by=created_by, status=status, household_size=household_size or 1 + len(members),
        category=category,
        proposed_category=category, number=number or (f"532526{timezone.localdate().year}{next(_dossier_serials):05d}" if status == Status.APPROVED else None),
        approved_at=timezone.now() if status == Status.APPROVED else None, **fields,
    )
    head_id = head_id or make_id_number()
    from cases.idcard import birth_date_of, sex_of

    Member.objects.create(
        household=household, relation=Relation.HEAD, name=head_name, id_number=head_id,
        birth_date=birth_date_of(head_id), sex=sex_of(head_id), monthly_income=Decimal(monthly_income),
        phone="13812345678", in_active_dossier=status != Status.EXITED,
    )
    for name, relation, id_number in members:
        Member.objects.create(
            household=household, relation=relation, name=name, id_number=id_number,
            birth_date=birth_date_of(id_number), sex=sex_of(id_number), in_active_dossier=status != Status.EXITED,
        )
    return copy_head(household)


def copy_head(household):
    """The head's copies on the household after a test wrote members directly, as the dossier
    service keeps them on every save."""
    from cases.services import household_copy_head

    household_copy_head(household, list(household.members.all()))
    household.save()
    return household


def backdate_notice(batch, days_ago, days=7):
    """Moves a notice into the past, its publication included, as if it had been published
    ``days_ago`` days ago and run ``days`` days (services refuse a back-dated notice)."""
    starts_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    type(batch).objects.filter(pk=batch.pk).update(
        starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days - 1),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    batch.refresh_from_db()
    return batch


@pytest.fixture
def standard(center):
    return make_standard(center)
