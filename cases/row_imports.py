"""Imports of one record per row (units, and later other registers), the same way as the dossier
import (cases.imports): the upload checked before parsing (cases.xlsx_upload), a preview job
that counts new, updated, unchanged and invalid rows and lists every row error (masked where
sensitive) on screen and as an .xlsx, and a confirm job that plans again and writes all or
nothing, through the writer the import names.

An import is a ``RowImport``: its columns (cases.imports.Column), a ``check(planner, row, parsed)``
that returns (action, payload) or records errors, and a ``write(actor, payloads)``. ``register``
makes it known by key; the jobs carry the key in their parameters."""

import hashlib
import json
import tempfile
from dataclasses import dataclass, field

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from network import audit, jobs
from network.models import AuditAction, Job, Node

from . import sheet_values as read
from .import_jobs import start_preview, start_write
from .rules import WorkflowError, require
from .xlsx_cells import text_cell
from .xlsx_upload import header_key, read_rows

PREVIEW, WRITE = "cases.rows_preview", "cases.rows_write"
PREVIEW_ROWS, ERRORS_SHOWN = 20, 500
IMPORTS = {}


@dataclass
class RowImport:
    key: str
    label: str
    columns: list
    required: tuple
    check: object  # check(planner, row, parsed) -> (action, payload, summary) or None after planner.error
    write: object  # write(actor, payloads) in the confirm's one transaction; raises WorkflowError
    permission: str
    load: object = None  # load(planner, rows) -> preloads what check needs (one query, not one a row)
    preview_headers: tuple = ()
    list_url: str = ""
    object_type: str = ""  # what the audit log names (app.model)

    @property
    def by_key(self):
        return {column.key: column for column in self.columns}

    def aliases(self):
        found = {}
        for column in self.columns:
            for text in (column.header, *column.aliases):
                found[header_key(text)] = column.key
        return found


def register(row_import):
    IMPORTS[row_import.key] = row_import
    return row_import


@dataclass
class Planned:
    row: object
    parsed: dict
    action: str = "invalid"
    payload: object = None
    summary: list = field(default_factory=list)


class RowPlanner:
    """Reads and checks the rows of a sheet for ``user``; saves nothing."""

    def __init__(self, spec, user, progress=None):
        self.spec, self.user, self.progress = spec, user, progress
        self.errors, self.bad_rows = [], set()

    def error(self, row, column, message, raw=None):
        self.errors.append({"row": row, "column": column, "value": self.shown(column, raw), "message": str(message)})
        self.bad_rows.add(row)

    def shown(self, column, raw):
        if raw is None or raw == "":
            return ""
        value = raw.strftime("%Y-%m-%d") if hasattr(raw, "strftime") else str(raw)
        spec = self.spec.by_key.get(column)
        return spec.mask(value) if spec is not None and spec.mask is not None else value[:60]

    def nodes_by_name(self):
        """The user's nodes by name and by code (a name may be ambiguous, a code is not)."""
        found = {}
        for node in Node.objects.visible_to(self.user).filter(is_active=True):
            found.setdefault(node.name, []).append(node)
            found.setdefault(node.code, []).append(node)
        return found

    def _reading(self, count):
        if self.progress:
            self.progress.step(message=_("正在读取表格（已读%(n)s行）……") % {"n": count})

    def plan(self, data):
        rows, columns = read_rows(data, self.spec.aliases(), required=self.spec.required, on_rows=self._reading)
        self.columns = columns
        if self.progress:
            self.progress.step(0, len(rows), _("正在检查表格……"), force=True)
        planned = []
        for row in rows:
            parsed = {}
            for key, raw in row.values.items():
                try:
                    parsed[key] = self.spec.by_key[key].read(raw)
                except read.CellError as error:
                    self.error(row.number, key, error.message, raw)
            planned.append(Planned(row, parsed))
        if self.spec.load:
            self.spec.load(self, planned)
        for index, item in enumerate(planned, start=1):
            for key in self.spec.required:
                if not item.parsed.get(key) and item.row.number not in self.bad_rows:
                    self.error(item.row.number, key, _("必填项，请填写。"))
            if item.row.number not in self.bad_rows:
                result = self.spec.check(self, item.row, item.parsed)
                if result is not None and item.row.number not in self.bad_rows:
                    item.action, item.payload, item.summary = result
            if self.progress:
                self.progress.step(index)
        headers = {c.key: c.header for c in self.spec.columns}
        for error in self.errors:
            error["column"] = headers.get(error["column"], "")
        self.errors.sort(key=lambda e: e["row"])
        return planned

    @staticmethod
    def counts(planned, errors):
        counts = {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0}
        for item in planned:
            counts[item.action] += 1
        counts["rows"], counts["errors"] = len(planned), len(errors)
        return counts

    @staticmethod
    def fingerprint(planned):
        digest = hashlib.sha256()
        for item in planned:
            digest.update(json.dumps([item.row.number, item.action, [str(s) for s in item.summary],
                                      sorted((k, str(v)) for k, v in item.parsed.items())],
                                     ensure_ascii=False).encode())
        return digest.hexdigest()


def _spec(job):
    spec = IMPORTS.get(job.params.get("import"))
    require(spec is not None, _("未知的导入类型。"))
    return spec


def run_preview(job, progress):
    spec = _spec(job)
    planner = RowPlanner(spec, job.owner, progress)
    with job.source.open("rb") as source:
        planned = planner.plan(source.read())
    counts = planner.counts(planned, planner.errors)
    outcome = {
        "import": spec.key, "counts": counts, "errors": planner.errors[:ERRORS_SHOWN],
        "headers": [str(h) for h in spec.preview_headers],
        "rows": [{"row": p.row.number, "action": p.action, "values": [str(v) for v in p.summary]}
                 for p in planned if p.action != "invalid"][:PREVIEW_ROWS],
        "fingerprint": planner.fingerprint(planned), "writes": counts["new"] + counts["updated"],
        "list_url": spec.list_url,
    }
    if planner.errors:
        _save_error_report(job, planner, planned)
        outcome["message"] = _("检查完毕：发现%(n)s处错误，请按错误清单修改表格后重新上传；未写入任何数据。") % {"n": len(planner.errors)}
    elif outcome["writes"]:
        outcome["message"] = _("检查完毕，没有发现错误。请核对后确认导入。")
    else:
        outcome["message"] = _("检查完毕：表中的记录与系统中完全一致，无需导入。")
    return outcome


def run_write(job, progress):
    spec = _spec(job)
    preview = Job.objects.get(pk=job.params["preview"])
    with transaction.atomic():
        planner = RowPlanner(spec, job.owner, progress)
        with job.source.open("rb") as source:
            planned = planner.plan(source.read())
        if planner.errors:
            first = planner.errors[0]
            raise WorkflowError(_("重新检查时发现%(n)s处错误（第%(row)s行：%(message)s），未写入任何数据。请重新上传预览。")
                                % {"n": len(planner.errors), "row": first["row"], "message": first["message"]})
        if planner.fingerprint(planned) != preview.outcome.get("fingerprint"):
            raise WorkflowError(_("自预览以来系统中的数据已有变化，未写入任何数据。请重新上传预览后再确认。"))
        todo = [p for p in planned if p.action in ("new", "updated")]
        progress.step(0, len(todo), _("正在写入……"), force=True)
        spec.write(job.owner, [p.payload for p in todo])
        progress.step(len(todo))
        audit.record(job.owner, AuditAction.IMPORT, job, row_count=len(todo), detail=f"{spec.label}导入")
    counts = planner.counts(planned, [])
    return {"counts": counts, "list_url": spec.list_url,
            "message": _("导入完成：新建%(new)s条，更新%(updated)s条，%(unchanged)s条无变化。") % counts}


def _save_error_report(job, planner, planned):
    workbook = Workbook(write_only=True)
    listing = workbook.create_sheet(_("错误清单"))
    bold = Font(bold=True)
    listing.append([text_cell(listing, name, font=bold) for name in (_("行号"), _("列"), _("填写的内容"), _("错误原因"))])
    for error in planner.errors:
        listing.append([error["row"], text_cell(listing, error["column"]), text_cell(listing, error["value"]),
                        text_cell(listing, error["message"])])
    marked = workbook.create_sheet(_("原表（已标出错误）"))
    keys = [c.key for c in planner.spec.columns if c.key in planner.columns]
    headers = {c.key: c.header for c in planner.spec.columns}
    bad = PatternFill("solid", fgColor="F8CBAD")
    marked.append([text_cell(marked, _("行号"), font=bold)] + [text_cell(marked, planner.columns[k], font=bold) for k in keys]
                  + [text_cell(marked, _("错误原因"), font=bold)])
    for item in planned:
        errors = [e for e in planner.errors if e["row"] == item.row.number]
        if not errors:
            continue
        bad_columns = {e["column"] for e in errors}
        cells = [item.row.number]
        for key in keys:
            cells.append(text_cell(marked, planner.shown(key, item.row.values.get(key)),
                                   **({"fill": bad} if headers[key] in bad_columns else {})))
        cells.append(text_cell(marked, "；".join(e["message"] for e in errors), alignment=Alignment(wrap_text=True)))
        marked.append(cells)
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        workbook.save(target)
        target.seek(0)
        job.result.save("report.xlsx", File(target), save=False)
    job.result_name = _("导入错误清单.xlsx")
    job.save(update_fields=["result", "result_name"])


def template_workbook(spec):
    """The template of an import: its headers (required ones in red, each with its note as a
    comment), text-formatted columns where numbers must stay text, and a sheet explaining each."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.label)[:31]
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="C00000" if column.key in spec.required else "000000")
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        if column.note:
            cell.comment = Comment(str(column.note), "工会帮扶")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
        if column.text_format:
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet(_("填写说明"))
    help_sheet.append([_("列"), _("说明"), _("可填的值")])
    for column in spec.columns:
        choices = column.read.listed() if isinstance(column.read, read.Choices) else ""
        help_sheet.append([column.header, str(column.note), choices])
    help_sheet.column_dimensions["A"].width, help_sheet.column_dimensions["B"].width = 20, 70
    help_sheet.column_dimensions["C"].width = 60
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target


def import_start(*, spec, user, upload):
    """Keeps an uploaded sheet of ``spec`` and starts its preview job (cases.import_jobs)."""
    return start_preview(user=user, upload=upload, kind=PREVIEW, permission=spec.permission,
                         params={"import": spec.key})


def import_confirm(*, user, preview):
    """Starts the write of a preview without errors (the user's own); the write re-checks all."""
    return start_write(user=user, preview=preview, preview_kind=PREVIEW, kind=WRITE,
                       nothing_to_write=_("表中的记录与系统中完全一致，无需导入。"))


jobs.register(PREVIEW, label=N_("表格导入：检查与预览"), run=run_preview, template="cases/includes/_rows_preview.html")
jobs.register(WRITE, label=N_("表格导入：写入"), run=run_write, template="cases/includes/_rows_done.html")
