"""The dossier import pages: the template, the upload that starts a preview job, the confirm that
starts the write. The work itself is in cases.imports, run by the background worker; its progress
and outcome are on the job page (network.views.job_detail)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from network.models import Job

from .. import imports
from ..rules import WorkflowError
from ..xlsx_upload import MAX_UPLOAD_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel表格（.xlsx，不超过5 MB）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.job = user, None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过5 MB；请把表格分成几个文件上传。"))
        try:
            self.job = imports.import_start(user=self.user, upload=upload)
        except WorkflowError as error:
            raise forms.ValidationError(error.messages[0]) from None
        return upload


@login_required
@permission_required("cases.add_household", raise_exception=True)
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
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
    preview = get_object_or_404(Job.objects.filter(owner=request.user, kind=imports.PREVIEW), pk=pk)
    try:
        job = imports.import_confirm(user=request.user, preview=preview)
    except WorkflowError as error:
        messages.error(request, error.messages[0])
        return redirect(preview)
    return redirect(job)
