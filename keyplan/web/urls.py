from django.contrib.auth import views as auth_views
from django.urls import include, path

from keyplan.exchange.crm.salesforce.live import conflict_page
from keyplan.exchange.crm.salesforce.live.sync_views import integrations_sync, plan_sync
from keyplan.exchange.crm.salesforce.live.views import integrations
from keyplan.exchange.crm.views import import_crm
from keyplan.exchange.documents.views import download_md, download_pdf
from keyplan.exchange.workbook.views import download_xlsx, import_xlsx
from keyplan.security.mfa import signin as mfa_signin
from keyplan.security.mfa.urls import signin_urls as mfa_signin_urls
from keyplan.web import alerts, dashboard, editing, history, numbers, page, review, selection, views

urlpatterns = [
    path("login/", mfa_signin.SignIn.as_view(), name="login"),  # then the code (MFA)
    path("login/", include(mfa_signin_urls)),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", dashboard.portfolio, name="portfolio"),
    path("insights/<slug:key>/", dashboard.insight, name="insight"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/import/", import_crm, name="crm-import"),
    path("my/", views.my_week, name="my-week"),
    path("review/", include(review.urlpatterns)),
    path("healthz", views.healthz, name="healthz"),
    path("settings/integrations/", integrations, name="integrations"),
    path("settings/integrations/sync/", integrations_sync, name="integrations-sync"),
    path("selection/", selection.selection_page, name="selection"),
    path("selection/weights/", selection.weights, name="selection-weights"),
    path("selection/<int:pk>/", selection.explanation, name="selection-explain"),
    path("selection/<int:pk>/scores/<int:criterion_id>/", selection.score, name="selection-score"),
    path("selection/<int:pk>/tier/", selection.apply_tier, name="selection-tier"),
    path("accounts/<int:pk>/", page.plan_page, name="plan"),
    path("accounts/<int:pk>/history/", history.account_history, name="account_history"),
    path(
        "accounts/<int:pk>/conflicts/<int:conflict_id>/resolve/",
        conflict_page.resolve,
        name="plan-conflict",
    ),
    path("accounts/<int:pk>/numbers/", numbers.plan_numbers, name="plan-numbers"),
    path("accounts/<int:pk>/salesforce/sync/", plan_sync, name="plan-salesforce-sync"),
    path("accounts/<int:pk>/plan.xlsx", download_xlsx, name="plan-xlsx"),
    path("accounts/<int:pk>/plan.pdf", download_pdf, name="plan-pdf"),
    path("accounts/<int:pk>/plan.md", download_md, name="plan-md"),
    path("accounts/<int:pk>/import/", import_xlsx, name="plan-import"),
    path("accounts/<int:pk>/fields/<slug:group>/", editing.account_fields, name="plan-account"),
    path("accounts/<int:pk>/cells/<int:unit_id>/<int:product_id>/", editing.cell, name="plan-cell"),
    path(
        "accounts/<int:pk>/plays/<int:record_id>/stage/", editing.play_stage, name="plan-play-stage"
    ),
    path(
        "accounts/<int:pk>/actions/<int:record_id>/done/",
        editing.action_done,
        name="plan-action-done",
    ),
    path(
        "accounts/<int:pk>/checks/<slug:field>/clear/",
        editing.clear_check,
        name="plan-account-check-clear",
    ),
    path(
        "accounts/<int:pk>/<slug:kind>/<int:record_id>/checks/<slug:field>/clear/",
        editing.clear_check,
        name="plan-check-clear",
    ),
    path("accounts/<int:pk>/<slug:kind>/new/", editing.record_form, name="plan-record"),
    path("accounts/<int:pk>/<slug:kind>/<int:record_id>/", editing.record_form, name="plan-record"),
    path(
        "accounts/<int:pk>/<slug:kind>/<int:record_id>/delete/",
        editing.record_delete,
        name="plan-delete",
    ),
]
