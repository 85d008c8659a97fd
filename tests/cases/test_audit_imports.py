"""Imports in the audit log: a confirmed import is one entry (how many households it wrote, never
the sheet's file name, which may name a person); a preview writes nothing and is no entry; the
download of a job's file (the error report) is an export."""

from django.urls import reverse

from network.models import AuditAction, AuditEntry, Job

from .import_sheets import sheet_bytes
from .test_import_households import _families, _preview, standard  # noqa: F401  the township's standard


def test_a_confirmed_import_is_one_entry_with_its_counts(client, community_clerk, standard):  # noqa: F811
    client.force_login(community_clerk)
    preview = _preview(client, sheet_bytes(_families(3), title="髯翁社区困难职工花名册（2026年）"))
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()
    response = client.post(reverse("cases:household_import_confirm", args=[preview.pk]))
    write = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    [entry] = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    assert (entry.user, entry.object_type, entry.object_id, entry.row_count, entry.detail) == (
        community_clerk, "network.job", str(write.pk), 3, "档案导入：新建 3 户，更新 0 户")


def test_downloading_an_error_report_is_an_export(client, community_clerk, standard):  # noqa: F811
    client.force_login(community_clerk)
    rows = _families(1)
    rows[0]["身份证号"] = "532526197503141230"  # a wrong check digit: the preview has an error report
    preview = _preview(client, sheet_bytes(rows, title="髯翁社区困难职工花名册（2026年）"))
    assert preview.result
    client.get(reverse("network:job_result", args=[preview.pk]))
    [entry] = AuditEntry.objects.filter(action=AuditAction.EXPORT)
    assert (entry.object_type, entry.object_id, entry.detail) == ("network.job", str(preview.pk),
                                                                   "后台任务结果：档案导入：检查与预览")
