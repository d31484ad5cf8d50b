"""Thin Celery tasks for exports: open the account's scope and call the service."""

from __future__ import annotations

import logging

import psycopg
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

logger = logging.getLogger(__name__)

# Worth another try: the database or the disk hiccuped. Anything else is a bug or a refusal.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError, OSError)


def _job(account_id: int, job_id: int):
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
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """After the last retry, or at once for an error no retry mends: the job failed."""
        from exports.selectors import ExportRefused
        from exports.services import export_fail

        account, job = _job(*args)
        if job is None:
            return
        with scope(account=account), translation.override(job.language):
            if isinstance(exc, ExportRefused):
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
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=60 * 50,
    time_limit=60 * 55,
)
def export_run(self, account_id: int, job_id: int) -> bool:
    """Build and deliver one export; a second delivery of the same job does nothing."""
    from exports.services import export_run as run

    account, job = _job(account_id, job_id)
    if job is None:
        return False
    with scope(account=account):
        return run(job=job)


@shared_task(
    name="exports.tasks.export_email_send",
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def export_email_send(self, account_id: int, job_id: int) -> bool:
    """Email a finished export; failures retry with backoff, then the email is marked failed."""
    from exports.models import EmailStatus
    from exports.services import export_email_deliver

    account, job = _job(account_id, job_id)
    if job is None:
        return False
    with scope(account=account):
        try:
            return export_email_deliver(job=job)
        except Exception as exc:
            job.refresh_from_db(fields=["email_status"])
            if job.email_status == EmailStatus.FAILED:
                logger.warning("export %s: email not delivered: %r", job.id, exc)
                return False
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


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
