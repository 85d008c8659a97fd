"""Money test data: funds with a balance, on-file households, the fund keeper."""

import datetime

import pytest
from django.utils import timezone

from cases.services import household_recompute
from network.models import Role
from outreach import services
from outreach.models import CapRule, Fund, FundSource, Program, ProgramCap

from ..cases.conftest import make_household, make_id_number, make_standard
from ..conftest import make_user


def make_fund(node, name="送温暖资金", balance="0", year=None, keeper=None):
    # get_or_create: a transactional test flushes the rows the migration seeded
    source, _created = FundSource.objects.get_or_create(name="工会经费")
    fund = Fund.objects.create(node=node, name=name, source=source,
                               year=year or timezone.localdate().year)
    if balance != "0":
        services.fund_receive(fund=fund, actor=keeper, amount=balance, document_number="弥工发〔2026〕1号")
        fund.refresh_from_db()
    return fund


def make_on_file(node, created_by, n=0, **fields):
    """An on-file household of one (900.00 a month), its figures computed against the standard."""
    household = make_household(node, created_by, status="approved",
                               head_id=make_id_number(datetime.date(1970, 1, 1) + datetime.timedelta(days=n), serial=n),
                               **fields)
    household_recompute(household)
    household.save()
    return household


@pytest.fixture
def keeper(center):
    return make_user("center_finance", center, Role.FINANCE, name="财务周敏")


@pytest.fixture
def second_keeper(center):
    return make_user("center_finance2", center, Role.FINANCE, name="财务吴刚")


@pytest.fixture
def standard(center):
    """700.00 a month in town: a household of one may receive at most 8,400.00 of living aid a year
    (the cap the migration seeds; made again here, since a transactional test flushes seeded rows)."""
    ProgramCap.objects.get_or_create(program=Program.LIVING, defaults={"rule": CapRule.DIBAO_YEAR})
    return make_standard(center)

