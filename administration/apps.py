from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """Account administration: sign-in and the person's preferences (users, teams and security
    come here too); every write records its Security activity event."""

    name = "administration"
    default_auto_field = "django.db.models.BigAutoField"
