import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from cases.models import SensitiveAccess, Status

from .conftest import make_household, make_id_number

HEAD_ID = make_id_number(serial=88)


def rows_of(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(min_row=3, values_only=True))


def test_the_export_holds_the_users_subtree_with_masked_numbers(client, township_reviewer, community, community_clerk, sibling_community, outsider):
    make_household(community, community_clerk, head_name="张志强", head_id=HEAD_ID, status=Status.APPROVED, phone="13812345678",
                   household_size=3, annual_income=Decimal("9600.00"), per_capita_monthly_income=Decimal("266.67"))
    make_household(sibling_community, outsider, head_name="王新哨")
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:household_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    assert [r[1] for r in rows] == ["张志强"]
    row = rows[0]
    assert row[2] == HEAD_ID[:6] + "********" + HEAD_ID[-4:]
    assert (row[11], row[12], row[13]) == (3, 9600, 266.67)
    assert row[15] == "138****5678"
    assert not SensitiveAccess.objects.exists()


def test_an_unmasked_export_is_logged_and_a_leader_cannot_have_one(client, township_reviewer, center_leader, community, community_clerk):
    make_household(community, community_clerk, head_id=HEAD_ID)
    client.force_login(center_leader)
    assert rows_of(client.get(reverse("cases:household_export"), {"unmask": "1"}))[0][2] != HEAD_ID
    assert not SensitiveAccess.objects.exists()
    client.force_login(township_reviewer)
    assert rows_of(client.get(reverse("cases:household_export"), {"unmask": "1"}))[0][2] == HEAD_ID
    assert SensitiveAccess.objects.get().channel == "export"


def test_the_export_follows_the_list_filters(client, center_admin, community, community_clerk):
    make_household(community, community_clerk, head_name="深度户", category="deep", head_id=make_id_number(serial=1))
    make_household(community, community_clerk, head_name="相对户", category="relative", head_id=make_id_number(serial=2))
    client.force_login(center_admin)
    assert [r[1] for r in rows_of(client.get(reverse("cases:household_export"), {"category": "relative"}))] == ["相对户"]


def test_the_export_keeps_a_fixed_number_of_queries(client, center_admin, community, community_clerk, django_assert_max_num_queries):
    client.force_login(center_admin)
    make_household(community, community_clerk, head_id=make_id_number(serial=10))
    with django_assert_max_num_queries(10) as few:
        rows_of(client.get(reverse("cases:household_export")))
    for i in range(30):
        make_household(community, community_clerk, head_id=make_id_number(serial=20 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows_of(client.get(reverse("cases:household_export")))) == 31


def test_the_export_needs_a_login(client):
    assert client.get(reverse("cases:household_export")).status_code == 302
