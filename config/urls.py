from django.urls import include, path

from administration.urls import account_urlpatterns as administration_account_urls
from auditlog import views as auditlog_views
from config.views import healthz
from console import alert_views
from console import views as console_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The key checkpoints are signed with, public like any verification key (docs/integrity.md).
    path(
        ".well-known/auditdesk-signing-key.pem",
        auditlog_views.signing_public_key,
        name="signing_public_key",
    ),
    path("a/<int:account_id>/audit-logs/", include("console.urls")),
    # Notifications → Audit logs: the console's alert settings, beside the notification centre.
    path(
        "a/<int:account_id>/notifications/settings/audit-logs/",
        alert_views.alert_settings,
        name="alert_settings",
    ),
    path("a/<int:account_id>/notifications/", include("notifications.urls")),
    path("a/<int:account_id>/exports/", include("exports.urls")),
    path("a/<int:account_id>/crm/", include("crm.urls")),
    path(
        "a/<int:account_id>/settings/",
        include((administration_account_urls, "administration")),
    ),
    path("", include("administration.urls")),
    path("", console_views.home, name="home"),
]
