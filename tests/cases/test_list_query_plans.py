"""At a realistic size, on either database: the dossier list's page query, its searches and sorts
read an index, never the whole table (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite). The
speed itself is shown by manage.py benchmark_pages, never by a timed test."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from cases.filters import HouseholdFilter
from cases.models import Household, Member, Status
from network.models import Role, User



def page_plan(user, **query):
    households = Household.objects.visible_to(user).select_related("node", "enterprise").order_by("-created_at")
    rows = HouseholdFilter(query or None, households, user=user).qs
    return rows[:50].explain()


def full_scans(plan):
    """The tables the plan reads whole: PostgreSQL's Seq Scan, SQLite's SCAN (not SEARCH, not an index)."""
    if connection.vendor == "postgresql":
        return [table for table in ("cases_household", "cases_member") if f"Seq Scan on {table}" in plan]
    return [line for line in plan.splitlines()
            if "SCAN " in line and ("cases_household" in line or "cases_member" in line or " U0" in line)
            and "INDEX" not in line]


def test_the_lists_page_search_and_sort_queries_use_indexes_not_a_sequential_scan(db, settings):
    settings.DEBUG = True  # the generator is for development databases only
    call_command("generate_households", 6000, batch=3000, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both databases plan from statistics
    center = User.objects.get(role=Role.CENTER_ADMIN, node__level=1, username="center_admin")
    head = Member.objects.filter(relation="head", household__status=Status.APPROVED).order_by("pk")[3000]
    number = Household.objects.filter(status=Status.APPROVED).order_by("pk").values_list("number", flat=True)[100]
    cases = {
        "the first page": {},
        "a sort by head name": {"ordering": "head_name"},
        "a sort by per-capita income": {"ordering": "per_capita_monthly_income"},
        "the head's work status": {"work_status": "retired"},
        "a search by name": {"q": head.name},
        "a search by given name": {"q": head.given_name},
        "a search by initials": {"q": head.name_initials},
        "a search by a whole ID number": {"q": head.id_number},
        "a search by dossier number": {"q": number},
    }
    for case, query in cases.items():
        plan = page_plan(center, **query)
        assert not full_scans(plan), f"{case}:\n{plan}"
        assert "index" in plan.lower(), f"{case}:\n{plan}"
