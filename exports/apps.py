from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.actions import (
            PageAction,
            PanelAction,
            page_action_register,
            panel_action_register,
        )
        from exports import tasks  # noqa: F401  (registered, so dispatch can enqueue by name)

        page_action_register(
            PageAction(name="exports.report", template="exports/page_export_button.html")
        )
        # "Download exported file" on an Export event whose job is known.
        panel_action_register(
            PanelAction(
                name="exports.download",
                template="exports/panel_download.html",
                applies=lambda event: (
                    event.subcategory == "export"
                    and event.action == "export"
                    and bool((event.metadata or {}).get("export_job_id"))
                ),
            )
        )
