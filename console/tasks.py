from __future__ import annotations

from celery import shared_task


@shared_task(name="console.tasks.multiple_exports_check", acks_late=True)
def multiple_exports_check() -> int:
    """Daily: notify super admins whose accounts logged many exports yesterday."""
    from console.alerts import multiple_exports_check as check

    return check()
