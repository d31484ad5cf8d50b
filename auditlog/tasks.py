from __future__ import annotations

from celery import shared_task


@shared_task(name="auditlog.tasks.partitions_maintain", acks_late=True)
def partitions_maintain() -> dict[str, list[str]]:
    """Create next months' partitions and drop those past retention (idempotent)."""
    from auditlog.services import partitions_maintain as maintain

    return maintain()
