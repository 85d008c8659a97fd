"""The dossier import pages: the template, the upload that starts a preview job, the confirm that
starts the write. The work itself is in cases.imports, run by the background worker; its progress
and outcome are on the job page (network.views.job_detail)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from network.models import Job

from .. import imports, row_imports
from ..rules import WorkflowError
from ..xlsx_upload import MAX_UPLOAD_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    """The sheet to import; a valid form has started its preview job (``start(upload)``)."""

    file = forms.FileField(label=_("Excel表格（.xlsx，不超过5 MB）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}))

    def __init__(self, *args, start, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.job = start, None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过5 MB；请把表格分成几个文件上传。"))
        try:
            self.job = self.start(upload)
        except WorkflowError as error:
            raise forms.ValidationError(error.messages[0]) from None
        return upload


def dossier_upload_form(request):
    """The upload of a dossier sheet, on the staff page and in the back office."""
    return UploadForm(request.POST or None, request.FILES or None,
                      start=lambda upload: imports.import_start(user=request.user, upload=upload))


def _confirm(request, pk, *, preview_kind, confirm):
    """Starts the write of the user's preview ``pk`` and shows it; a refusal goes back to the preview."""
    preview = get_object_or_404(Job.objects.filter(owner=request.user, kind=preview_kind), pk=pk)
    try:
        job = confirm(user=request.user, preview=preview)
    except WorkflowError as error:
        messages.error(request, error.messages[0])
        return redirect(preview)
    return redirect(job)


@login_required
@permission_required("cases.add_household", raise_exception=True)
def import_page(request):
    form = dossier_upload_form(request)
    if request.method == "POST" and form.is_valid():
        return redirect(form.job)
    recent = imports.job_filter(request.user).filter(owner=request.user)[:10]
    return render(request, "cases/household_import.html", {"form": form, "recent": recent})


@login_required
@permission_required("cases.add_household", raise_exception=True)
@never_cache
def import_template(request):
    return FileResponse(imports.template_workbook(), as_attachment=True, filename="困难职工档案导入模板.xlsx",
                        content_type=XLSX)


@login_required
@permission_required("cases.add_household", raise_exception=True)
@require_POST
def import_confirm(request, pk):
    return _confirm(request, pk, preview_kind=imports.PREVIEW, confirm=imports.import_confirm)


def _row_spec(request, key):
    spec = row_imports.IMPORTS.get(key)
    if spec is None:
        raise Http404
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    return spec


@login_required
def row_import_page(request, key):
    spec = _row_spec(request, key)
    form = UploadForm(request.POST or None, request.FILES or None,
                      start=lambda upload: row_imports.import_start(spec=spec, user=request.user, upload=upload))
    if request.method == "POST" and form.is_valid():
        return redirect(form.job)
    recent = Job.objects.filter(owner=request.user, kind__in=(row_imports.PREVIEW, row_imports.WRITE),
                                params__import=spec.key)[:10]
    return render(request, "cases/row_import.html", {"form": form, "spec": spec, "recent": recent})


@login_required
@never_cache
def row_import_template(request, key):
    spec = _row_spec(request, key)
    return FileResponse(row_imports.template_workbook(spec), as_attachment=True,
                        filename=f"{spec.label}模板.xlsx", content_type=XLSX)


@login_required
@require_POST
def row_import_confirm(request, pk):
    return _confirm(request, pk, preview_kind=row_imports.PREVIEW, confirm=row_imports.import_confirm)
