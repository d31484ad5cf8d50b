"""Thin Celery tasks for exports: open the account's scope and call the service."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

from accounts.errors import DomainError
from notifications.transient import is_transient

if TYPE_CHECKING:
    from accounts.models import Account
    from exports.models import ExportJob

logger = logging.getLogger(__name__)


def _job(account_id: int, job_id: int) -> tuple[Account | None, ExportJob | None]:
    from accounts.models import Account
    from exports.models import ExportJob

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return None, None
    with scope(account=account):
        job = (
            ExportJob.objects.select_related("account", "requester")
            .filter(account=account, id=job_id)
            .first()
        )
    return account, job


class ExportRunTask(Task):
    # Set from the task's options; export_run computes its own retry countdown from them.
    retry_backoff: int
    retry_backoff_max: int
    retry_jitter: bool

    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo,
    ) -> None:
        """After the last retry, or at once for an error no retry mends: the job failed."""
        from exports.services import export_fail

        account, job = _job(*args)
        if job is None:
            return
        with scope(account=account), translation.override(job.language):
            if isinstance(exc, DomainError):
                reason = _("The export was refused: %(why)s") % {"why": exc}
            elif isinstance(exc, SoftTimeLimitExceeded):
                reason = _("The export took longer than the time limit allows.")
            else:
                reason = _("An unexpected error stopped the export. Please try again.")
            logger.error("export %s failed: %r", job.id, exc)
            export_fail(job=job, reason=reason)


@shared_task(
    base=ExportRunTask,
    name="exports.tasks.export_run",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=60 * 50,
    time_limit=60 * 55,
)
def export_run(self: ExportRunTask, account_id: int, job_id: int) -> bool:
    """Build and deliver one export; a second delivery of the same job does nothing."""
    from exports.services import export_run as run

    account, job = _job(account_id, job_id)
    if job is None:
        return False
    with scope(account=account):
        try:
            return run(job=job)
        except Exception as exc:
            if not is_transient(exc):
                raise  # a refusal or a bug: on_failure fails the job at once
            countdown = get_exponential_backoff_interval(
                factor=self.retry_backoff,
                retries=self.request.retries,
                maximum=self.retry_backoff_max,
                full_jitter=self.retry_jitter,
            )
            raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(
    name="exports.tasks.export_email_send",
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def export_email_send(self: Task[Any, Any], account_id: int, job_id: int) -> bool:
    """Email a finished export; transient failures retry with backoff, then the email is marked
    failed, as it is at once for a permanent one."""
    from exports.services import export_email_deliver
    from notifications.models import EmailStatus

    account, job = _job(account_id, job_id)
    if job is None:
        return False
    with scope(account=account):
        try:
            return export_email_deliver(job=job)
        except Exception as exc:
            if is_transient(exc):
                job.refresh_from_db(fields=["email_status"])
                if job.email_status != EmailStatus.FAILED:
                    raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
            # Out of attempts, or a rejection another try would repeat: the email is marked failed.
            logger.warning("export %s: email not delivered: %r", job.id, exc)
            return False


@shared_task(name="exports.tasks.exports_sweep", acks_late=True)
def exports_sweep() -> dict[str, int]:
    """Every minute: re-enqueue exports and emails the broker lost, hand on dead workers' jobs."""
    from exports.services import exports_sweep as sweep

    return sweep()


@shared_task(name="exports.tasks.exports_expire", acks_late=True)
def exports_expire() -> int:
    """Daily: delete export files past their expiry (the jobs stay, marked expired)."""
    from exports.services import exports_expire as expire

    return expire()
