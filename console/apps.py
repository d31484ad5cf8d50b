from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The console's pages over the log: Audit Logs, saved views, comments, alerts."""

    name = "console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connect their receivers; register the tasks so dispatch can enqueue them by name.
        from console import alerts, saved_views, tasks  # noqa: F401
