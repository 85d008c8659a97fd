from django.urls import path

from .views import pairing, shortage

app_name = "outreach"

urlpatterns = [
    path("cadres/", pairing.cadre_list, name="cadre_list"),
    path("cadres/new/", pairing.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", pairing.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", pairing.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/pair/", pairing.pairing_create, name="pairing_create"),
    path("pairings/overdue/", pairing.pairing_overdue, name="pairing_overdue"),
    path("pairings/<int:pk>/end/", pairing.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/visit/", pairing.pairing_visit_create, name="pairing_visit_create"),
    path("shortage/", shortage.shortage_view, name="shortage"),
    path("shortage/export.xlsx", shortage.shortage_export, name="shortage_export"),
]
