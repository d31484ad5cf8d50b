from django.urls import include, path

from config.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("a/<int:account_id>/audit-logs/", include("auditlog.urls")),
    path("a/<int:account_id>/notifications/", include("notifications.urls")),
    path("a/<int:account_id>/exports/", include("exports.urls")),
    path("a/<int:account_id>/crm/", include("crm.urls")),
    path("", include("accounts.urls")),
]
