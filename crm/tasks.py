from __future__ import annotations

from celery import shared_task


@shared_task(name="crm.tasks.records_purge", acks_late=True)
def records_purge() -> int:
    """Daily: permanently delete records deleted more than 90 days ago."""
    from crm.services import records_purge as purge

    return purge()
