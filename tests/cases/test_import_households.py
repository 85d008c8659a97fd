"""The import of dossiers from a township's sheet: preview, confirm, all or nothing, idempotent."""

import pytest
from django.urls import reverse

from cases.models import Household, Member, Move, Status, StatusChange
from network.models import Job, JobState

from .conftest import make_id_number, make_standard
from .import_sheets import person, sheet_bytes, upload


@pytest.fixture
def standard(township):
    return make_standard(township)


def _families(n, community_name=None):
    rows = []
    for i in range(n):
        head = make_id_number()
        rows.append(person(str(i + 1), f"张{'一二三四五六七八九十'[i % 10]}强", "户主本人", head))
        rows.append(person(str(i + 1), "李秀英", "配偶", make_id_number(male=False), income="300", work="失业",
                           cause="", address=""))
    return rows


def _preview(client, data):
    response = client.post(reverse("cases:household_import"), {"file": upload(data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_a_clean_sheet_is_previewed_without_writing_then_written_on_confirm(client, community_clerk, community, standard):
    client.force_login(community_clerk)
    data = sheet_bytes(_families(3), title="髯翁社区困难职工花名册（2026年）")
    preview = _preview(client, data)
    assert preview.state == JobState.SUCCEEDED, preview.message
    assert preview.outcome["counts"]["new"] == 3 and not preview.outcome["errors"]
    assert Household.objects.count() == 0
    page = client.get(preview.get_absolute_url())
    assert "确认导入" in page.content.decode()
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    write = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert write.state == JobState.SUCCEEDED, write.message
    assert Household.objects.count() == 3 and Member.objects.count() == 6
    household = Household.objects.first()
    assert household.status == Status.DRAFT and household.household_size == 2 and household.node == community
    assert StatusChange.objects.filter(household=household, action=Move.SHEET_IMPORT).exists()


def test_the_same_sheet_imported_twice_creates_nothing_the_second_time(client, community_clerk, standard):
    client.force_login(community_clerk)
    data = sheet_bytes(_families(2))
    first = _preview(client, data)
    client.post(reverse("cases:household_import_confirm", args=[first.pk]))
    again = _preview(client, data)
    assert again.outcome["counts"] == {**again.outcome["counts"], "new": 0, "updated": 0, "unchanged": 2}
    assert Household.objects.count() == 2


def test_the_back_office_imports_through_the_same_preview_job(client, center_admin, center_leader, standard):
    client.force_login(center_admin)
    changelist = client.get(reverse("admin:cases_household_changelist")).content.decode()
    assert reverse("admin:cases_household_import") in changelist
    assert client.get(reverse("admin:cases_household_import")).status_code == 200
    response = client.post(reverse("admin:cases_household_import"), {"file": upload(sheet_bytes(_families(1)))})
    job = Job.objects.get()
    assert response.url == job.get_absolute_url() and job.outcome["counts"]["new"] == 1
    refused = client.post(reverse("admin:cases_household_import"), {"file": upload(b"%PDF-1.4 fake")})
    assert "PDF" in refused.content.decode() and Job.objects.count() == 1
    client.force_login(center_leader)
    assert client.get(reverse("admin:cases_household_import")).status_code == 403


def test_a_written_import_is_in_the_audit_log_without_anyones_data(client, community_clerk, standard):
    from network.models import AuditAction, AuditEntry

    client.force_login(community_clerk)
    preview = _preview(client, sheet_bytes(_families(2)))
    client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)  # one entry, written with the import
    assert (entry.user, entry.row_count, entry.object_type) == (community_clerk, 2, "network.job")
    assert entry.detail == "档案导入：新建 2 户，更新 0 户"
