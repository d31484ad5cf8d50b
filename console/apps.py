from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The console's pages over the log: Audit Logs, saved views, comments, alerts."""

    name = "console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from console import alerts, saved_views  # noqa: F401  (connect their receivers)
