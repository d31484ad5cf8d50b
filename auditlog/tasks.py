from __future__ import annotations

from celery import shared_task


@shared_task(name="auditlog.tasks.partitions_maintain", acks_late=True)
def partitions_maintain() -> dict[str, list[str]]:
    """Create next months' partitions and drop those past retention (idempotent)."""
    from auditlog.services import partitions_maintain as maintain

    return maintain()


@shared_task(name="auditlog.tasks.checkpoints_write", acks_late=True)
def checkpoints_write() -> int:
    """Sign a checkpoint for every account whose chain grew (idempotent); how many were signed."""
    from auditlog.integrity.checkpoints import checkpoints_write as write

    return len(write())
