from django.urls import path

from .views import aid, campaigns, funds, pairing, return_visits, shortage

app_name = "outreach"

urlpatterns = [
    path("funds/", funds.fund_list, name="fund_list"),
    path("funds/new/", funds.fund_create, name="fund_create"),
    path("funds/<int:pk>/", funds.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/receive/", funds.fund_receive, name="fund_receive"),
    path("funds/<int:pk>/allocate/", funds.fund_allocate, name="fund_allocate"),
    path("aid/planned/", aid.aid_planned, name="aid_planned"),
    path("aid/pay/", aid.aid_pay, name="aid_pay"),
    path("aid/<int:pk>/reverse/", aid.aid_reverse, name="aid_reverse"),
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
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/list/", campaigns.campaign_review, name="campaign_review"),
    path("campaigns/<int:pk>/list/add/", campaigns.recipient_add, name="campaign_recipient_add"),
    path("campaigns/recipients/<int:pk>/remove/", campaigns.recipient_remove, name="campaign_recipient_remove"),
    path("campaigns/<int:pk>/confirm/", campaigns.campaign_confirm, name="campaign_confirm"),
    path("campaigns/<int:pk>/deliveries/", campaigns.campaign_deliveries, name="campaign_deliveries"),
    path("campaigns/<int:pk>/nodes/<int:node_pk>/deliver/", campaigns.campaign_sheet_deliver,
         name="campaign_sheet_deliver"),
    path("campaigns/<int:pk>/nodes/<int:node_pk>/signoff.pdf", campaigns.campaign_signoff_pdf,
         name="campaign_signoff_pdf"),
    path("campaigns/<int:pk>/nodes/<int:node_pk>/upload/", campaigns.campaign_sheet_upload,
         name="campaign_sheet_upload"),
    path("campaigns/signed-sheets/<int:pk>/", campaigns.signed_sheet_file, name="signed_sheet_file"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("households/<int:household_pk>/return-visit/", return_visits.return_visit_create, name="return_visit_create"),
]
