"""The data generator for measuring: valid, never repeated ID numbers, the head's copies and the
review and aid marks true to the rows they copy, a ledger that adds up, and a second run that adds
to the first without a clash; the benchmark runs over what it made."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models.functions import ExtractYear

from cases.idcard import validate_id_number
from cases.models import AnnualReview, Household, Member, Move, Relation, Status, StatusChange
from outreach.models import AidRecord


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True


def generate(count):
    call_command("generate_households", count, batch=150, stdout=io.StringIO())


def test_generated_dossiers_are_valid_and_their_copies_true(db):
    generate(400)
    generate(200)  # a second run adds to the first
    numbers = list(Member.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers)) > 600
    for number in numbers:
        validate_id_number(number)
    statuses = Counter(Household.objects.values_list("status", flat=True))
    assert statuses[Status.APPROVED] > statuses[Status.EXITED] > 0 and statuses[Status.DRAFT] > 0
    for household in Household.objects.prefetch_related("members", "annual_reviews")[:200]:
        head = next(m for m in household.members.all() if m.relation == Relation.HEAD)
        assert (household.head_name, household.head_id_number, household.head_work_status) == (
            head.name, head.id_number, head.work_status)
        assert household.household_size == len(household.members.all())
        years = [review.year for review in household.annual_reviews.all()]
        assert household.last_reviewed_year == (max(years) if years else 0)
    assert not Household.objects.exclude(filed_year=ExtractYear("filed_on")).exists()
    # entered by the clerks of the nodes (or above), not by the center's admin who reviews them
    assert set(Household.objects.values_list("created_by__role", flat=True)) == {"data_entry"}
    assert Household.objects.values("created_by").distinct().count() > 1
    preliminaries = StatusChange.objects.filter(action=Move.PRELIMINARY)
    assert preliminaries.exists() and set(preliminaries.values_list("actor__role", flat=True)) == {"reviewer"}
    aided = set(AidRecord.objects.values_list("household_id", flat=True))
    assert aided and aided == set(Household.objects.exclude(last_aided_at=None).values_list("pk", flat=True))
    assert AnnualReview.objects.exists()
    out = io.StringIO()
    call_command("check_ledger", stdout=out)
    assert "一致" in out.getvalue()


def test_the_benchmark_measures_every_page_over_generated_data(db):
    generate(300)
    out = io.StringIO()
    call_command("benchmark_pages", runs=2, stdout=out)
    report = out.getvalue()
    for page in ("列表（中心）", "排序：户主姓名", "搜索：完整身份证号", "后台搜索：姓名", "档案表 PDF", "时间比"):
        assert page in report
    rows = [line for line in report.splitlines() if line.startswith("| ") and "中位数" not in line]
    assert len(rows) >= 26 and all(int(line.rsplit("|", 2)[1]) > 0 for line in rows)  # queries counted


def test_the_generator_refuses_a_production_database(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="开发环境"):
        generate(10)


def index_definitions():
    from django.db import connection

    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table)
                for table in ("cases_household", "cases_member", "cases_statuschange", "cases_annualreview",
                              "outreach_aidrecord", "outreach_ledgerentry")}


def test_a_generation_that_rebuilds_the_indexes_leaves_every_index_as_it_was(db):
    before = index_definitions()
    assert sum(1 for table in before.values() for constraint in table.values() if constraint["index"]) > 40
    call_command("generate_households", 300, batch=100, indexes="rebuild", stdout=io.StringIO())
    assert index_definitions() == before
    assert Household.objects.count() == 300 and Member.objects.filter(household__status=Status.APPROVED).exists()
