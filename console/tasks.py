from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

if TYPE_CHECKING:
    from console.models import VerificationJob

logger = logging.getLogger(__name__)


@shared_task(name="console.tasks.multiple_exports_check", acks_late=True)
def multiple_exports_check() -> int:
    """Daily: notify super admins whose accounts logged many exports yesterday."""
    from console.alerts import multiple_exports_check as check

    return check()


def _verification_job(account_id: int, job_id: int) -> VerificationJob | None:
    from console.models import VerificationJob

    with scope(account=account_id):
        return (
            VerificationJob.objects.select_related("account", "requester")
            .filter(account_id=account_id, id=job_id)
            .first()
        )


class VerificationRunTask(Task):
    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo,
    ) -> None:
        """After the last retry, or at once for an error no retry mends: the job failed."""
        from console.verification import verification_fail

        job = _verification_job(*args)
        if job is None:
            return
        with (
            scope(account=job.account_id),
            translation.override(job.requester.language or job.account.default_language),
        ):
            if isinstance(exc, SoftTimeLimitExceeded):
                reason = _("The verification took longer than the time limit allows.")
            else:
                reason = _("An unexpected error stopped the verification. Please try again.")
            logger.error("verification %s failed: %r", job.id, exc)
            verification_fail(job=job, reason=reason)


@shared_task(
    base=VerificationRunTask,
    name="console.tasks.verification_run",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def verification_run(self: Task, account_id: int, job_id: int) -> bool:
    """Verify the account's chain for a job a super admin started (idempotent: claimed once)."""
    from console.verification import verification_run as run

    job = _verification_job(account_id, job_id)
    if job is None:
        return False
    with scope(account=account_id):
        return run(job=job)


@shared_task(name="console.tasks.verifications_sweep", acks_late=True)
def verifications_sweep() -> int:
    """Re-enqueue verification jobs the broker lost or whose worker died."""
    from console.verification import verifications_sweep as sweep

    return sweep()
