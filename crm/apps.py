from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.actions import PanelAction, panel_action_register
        from crm import tasks  # noqa: F401  (registered, so dispatch can enqueue by name)

        # "Restore <type>" on a record's Delete event; the CRM decides whether and why not.
        panel_action_register(
            PanelAction(
                name="crm.restore",
                template="crm/panel_restore.html",
                applies=lambda event: event.category == "crm_objects" and event.action == "delete",
            )
        )
