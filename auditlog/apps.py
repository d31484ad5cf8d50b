from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "auditlog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connect the sign-in receivers; register the tasks so dispatch can enqueue them by name.
        from auditlog import signals, tasks  # noqa: F401
