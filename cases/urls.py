from django.urls import path

from .views import dossiers, imports, notices, printing, workflow

app_name = "cases"

urlpatterns = [
    path("", dossiers.household_list, name="household_list"),
    path("export.xlsx", dossiers.household_export, name="household_export"),
    path("export-members.xlsx", dossiers.household_member_export, name="household_member_export"),
    path("export-official.xlsx", dossiers.household_official_export, name="household_official_export"),
    path("worklist/", dossiers.worklist, name="worklist"),
    path("import/", imports.import_page, name="household_import"),
    path("import/template.xlsx", imports.import_template, name="household_import_template"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="household_import_confirm"),
    path("import/rows/<int:pk>/confirm/", imports.row_import_confirm, name="row_import_confirm"),
    path("import/<slug:key>/", imports.row_import_page, name="row_import"),
    path("import/<slug:key>/template.xlsx", imports.row_import_template, name="row_import_template"),
    path("new/", dossiers.household_create, name="household_create"),
    path("<int:pk>/", dossiers.household_detail, name="household_detail"),
    path("<int:pk>/edit/", dossiers.household_edit, name="household_edit"),
    path("<int:pk>/pdf/", printing.household_pdf, name="household_pdf"),
    path("<int:pk>/submit/", workflow.submit, name="household_submit"),
    path("<int:pk>/preliminary/", workflow.preliminary_review, name="household_preliminary"),
    path("<int:pk>/center-review/", workflow.center_review, name="household_center_review"),
    path("<int:pk>/economic-check/", workflow.economic_check, name="household_economic_check"),
    path("<int:pk>/economic-check/<int:check_pk>/", workflow.economic_check_result, name="household_economic_check_result"),
    path("<int:pk>/return/", workflow.return_to_draft, name="household_return"),
    path("<int:pk>/approve/", workflow.approve, name="household_approve"),
    path("<int:pk>/annual-review/", workflow.annual_review, name="household_annual_review"),
    path("<int:pk>/exit/", workflow.exit_household, name="household_exit"),
    path("<int:pk>/reopen/", workflow.reopen, name="household_reopen"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", printing.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/approve/", notices.notice_approve, name="notice_approve"),
    path("notices/<int:pk>/objections/new/", notices.objection_create, name="objection_create"),
    path("objections/<int:pk>/resolve/", notices.objection_resolve, name="objection_resolve"),
    path("standards/", notices.standard_list, name="standard_list"),
    path("standards/new/", notices.standard_create, name="standard_create"),
    path("standards/<int:pk>/", notices.standard_edit, name="standard_edit"),
]
