from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.node_tree, name="node_tree"),
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/active/", views.staff_toggle_active, name="staff_toggle_active"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/result/", views.job_result, name="job_result"),
]
