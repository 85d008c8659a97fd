from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from network.views import PasswordChangeView

from . import audit_pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("audit/", audit_pages.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit_pages.audit_export, name="audit_export"),
    path("network/", include("network.urls")),
    path("cases/", include("cases.urls")),
    path("outreach/", include("outreach.urls")),
    path("admin/", admin.site.urls),
]
