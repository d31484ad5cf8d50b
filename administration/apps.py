from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """Account administration: sign-in and the person's preferences (users, teams and security
    come here too); every write records its Security activity event."""

    name = "administration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from administration import tasks  # noqa: F401  (registered, so dispatch can enqueue by name)
