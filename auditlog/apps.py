from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "auditlog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog import signals  # noqa: F401  (connect the sign-in receivers)
