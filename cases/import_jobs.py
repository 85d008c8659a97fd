"""Starting an import, whatever it reads (the dossiers of cases.imports, the one-record-a-row
imports of cases.row_imports): the upload checked before anything parses it and kept with its
preview job, and the confirm that starts the write job of a preview without errors, once. The
jobs' work (the checks, the preview, the write) is each import's own."""

from django.utils.translation import gettext as _

from network import jobs
from network.models import Job, JobState, Node

from .rules import require
from .xlsx_upload import check_upload


def start_preview(*, user, upload, kind, permission, params=None):
    """Checks an uploaded sheet (cases.xlsx_upload), keeps it and starts its preview job of
    ``kind``. Raises WorkflowError (Chinese) for a user without ``permission`` or a refused file."""
    require(user.has_perm(permission), _("您的角色无权进行此操作。"))
    check_upload(upload)
    node = user.node or Node.objects.get(parent=None)
    job = Job(kind=kind, owner=user, node=node, source_name=(upload.name or "")[-200:], params=params or {})
    job.source.save("sheet.xlsx", upload, save=False)
    job.save()
    return jobs.start(job)


def start_write(*, user, preview, preview_kind, kind, nothing_to_write):
    """Starts the write job (``kind``) of ``preview``: the user's own, finished and without
    errors; the write checks everything again. Confirming a preview twice returns the first write
    (unless it failed). ``nothing_to_write`` is the message for a sheet the system already holds."""
    require(preview.owner_id == user.pk and preview.kind == preview_kind and preview.state == JobState.SUCCEEDED,
            _("只能确认您本人已完成的导入预览。"))
    require(not preview.outcome.get("errors") and not preview.outcome.get("counts", {}).get("errors"),
            _("预览中有错误，请修改表格后重新上传。"))
    require(preview.outcome.get("writes"), nothing_to_write)
    earlier = Job.objects.filter(kind=kind, params__preview=preview.pk).exclude(state=JobState.FAILED).first()
    if earlier is not None:
        return earlier
    job = Job(kind=kind, owner=user, node=preview.node, source=preview.source.name, source_name=preview.source_name,
              params={**preview.params, "preview": preview.pk})
    job.save()
    return jobs.start(job)
