"""Verifying the log from the console (SPEC S12): what the page shows of the account's latest
verification, and verification jobs a super admin starts.

Starting writes the job and its Log verification / Start event in one transaction and enqueues
the run on commit. A worker claims the job with a conditional update, walks the chain
(`chain_verify`, which keeps the outcome as the account's Verification), writes progress and a
heartbeat through a connection of its own (the walk reads in a read-only snapshot), and records
the outcome as a Log verification / Verify event in the transaction that finishes the job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from accounts.errors import Refused
from accounts.models import Account, Membership
from auditlog.integrity.verify import VerificationResult, chain_verify
from auditlog.models import ChainHead, Checkpoint, Verification
from auditlog.services import Actor, EventInput, event_record
from console.models import VerificationJob
from console.models import VerificationJobStatus as Status
from notifications import dispatch
from notifications.jobs import JobHeartbeat

logger = logging.getLogger(__name__)

VERIFICATION_RUN_TASK = "console.tasks.verification_run"
ACTIVE = (Status.PENDING, Status.RUNNING)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class VerificationState:
    """What the Audit Logs page says about the chain: the latest verification, the time of the
    signed checkpoint it reached, and the job running or last run."""

    verification: Verification | None
    verified_through: dt.datetime | None
    job: VerificationJob | None
    can_start: bool

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.status in ACTIVE

    @property
    def storage_warnings(self) -> list[str]:
        return list(self.verification.warnings) if self.verification else []


def verification_state(*, account: Account, membership: Membership) -> VerificationState:
    """The account's latest verification and job; only super admins may start one."""
    verification = Verification.objects.filter(account=account).first()
    verified_through = None
    if verification is not None and verification.checkpoint_seq is not None:
        verified_through = (
            Checkpoint.objects.filter(account=account, seq=verification.checkpoint_seq)
            .values_list("signed_at", flat=True)
            .first()
        )
    job = (
        VerificationJob.objects.filter(account=account)
        .select_related("requester")
        .order_by("-created_at", "-id")
        .first()
    )
    return VerificationState(
        verification=verification,
        verified_through=verified_through,
        job=job,
        can_start=membership.is_super_admin,
    )


def verification_start(
    *,
    account: Account,
    membership: Membership,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> VerificationJob:
    """A super admin starts a verification of the account's chain; one runs at a time (asking
    again while one waits or runs returns that one). The start is a Log verification event."""
    if not membership.is_super_admin:
        raise Refused(_("Only super admins can verify the audit log."))
    with transaction.atomic():
        # The account row serialises two starts at the same moment.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        running = VerificationJob.objects.filter(account=account, status__in=ACTIVE).first()
        if running is not None:
            return running
        job = VerificationJob.objects.create(account=account, requester=membership.user)
        event_record(
            account=account,
            entry=EventInput(
                category="audit_logs",
                subcategory="log_verification",
                action="start",
                actor=Actor.of_user(membership.user),
                object_type="log_verification",
                object_id=str(job.id),
                object_label=_("Log verification"),
                url=url,
                ip=ip,
                user_agent=user_agent,
                metadata={"verification_job_id": job.id},
            ),
        )
        dispatch.enqueue_on_commit(VERIFICATION_RUN_TASK, [account.pk, job.id])
    return job


def verification_claim(*, job: VerificationJob, now: dt.datetime | None = None) -> int | None:
    """Take the job for this run: a pending job, or a running one whose worker stopped beating.
    Returns the claim token (the new attempt number), or None when the job is not to be run."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.EXPORT_STALE_AFTER_S)
    current = (
        VerificationJob.objects.filter(account_id=job.account_id, id=job.id)
        .values_list("attempts", flat=True)
        .first()
    )
    if current is None or current >= MAX_ATTEMPTS:
        return None
    head = ChainHead.objects.filter(account_id=job.account_id).values_list("last_seq", flat=True)
    claimed = (
        VerificationJob.objects.filter(account_id=job.account_id, id=job.id, attempts=current)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, heartbeat_at__lt=stale))
        .update(
            status=Status.RUNNING,
            attempts=current + 1,
            heartbeat_at=now,
            started_at=now,
            events_total=head.first() or 0,
            events_checked=0,
            progress_percent=0,
            error="",
        )
    )
    return current + 1 if claimed else None


class _Lost(Exception):
    """Another run claimed the job."""


def _heartbeat(job: VerificationJob, token: int, total: int) -> JobHeartbeat:
    """Progress and heartbeat of a verification run (the walk reads in a read-only snapshot)."""
    return JobHeartbeat(
        table="console_verificationjob",
        count_column="events_checked",
        job=job,
        token=token,
        total=total,
        interval=settings.EXPORT_PROGRESS_INTERVAL_S,
        lost_error=_Lost,
        name=f"verification job {job.id}",
    )


def verification_run(*, job: VerificationJob) -> bool:
    """Verify the job's account once and record the outcome: False when another run holds or
    finished it. An error releases the job for a retry and propagates."""
    token = verification_claim(job=job)
    if token is None:
        return False
    job.refresh_from_db()
    heartbeat = _heartbeat(job, token, job.events_total)
    try:
        result = chain_verify(account_id=job.account_id, on_progress=heartbeat)
        heartbeat.close()
        if heartbeat.lost:
            return False
        return _finish(job, token=token, result=result)
    except _Lost:
        logger.warning("verification %s: claim lost, another run finishes it", job.id)
        return False
    except BaseException:
        with contextlib.suppress(Exception):  # the database may be what failed
            VerificationJob.objects.filter(
                account_id=job.account_id, id=job.id, status=Status.RUNNING, attempts=token
            ).update(status=Status.PENDING, heartbeat_at=timezone.now())
        raise
    finally:
        heartbeat.close()


@transaction.atomic
def _finish(job: VerificationJob, *, token: int, result: VerificationResult) -> bool:
    failure = result.failure
    done = VerificationJob.objects.filter(
        account_id=job.account_id, id=job.id, status=Status.RUNNING, attempts=token
    ).update(
        status=Status.DONE,
        events_checked=result.events_checked,
        progress_percent=100,
        heartbeat_at=timezone.now(),
        finished_at=result.finished_at or timezone.now(),
        outcome=result.status,
        through_seq=result.through_seq,
        failure_seq=failure.seq if failure else None,
        failure_check=failure.check if failure else "",
    )
    if not done:
        return False
    event_record(
        account=job.account,
        entry=EventInput(
            category="audit_logs",
            subcategory="log_verification",
            action="verify",
            actor=Actor.of_user(job.requester),
            object_type="log_verification",
            object_id=str(job.id),
            object_label=_("Log verification"),
            metadata={
                "verification_job_id": job.id,
                "outcome": result.status,
                "events_checked": result.events_checked,
                "through_seq": result.through_seq,
                "checkpoint_seq": result.checkpoint_seq,
                "failure_seq": failure.seq if failure else None,
                "failure_event_id": failure.event_id if failure else None,
                "failure_check": failure.check if failure else None,
                "warnings": result.warnings,
            },
        ),
    )
    return True


def verification_fail(*, job: VerificationJob, reason: str) -> bool:
    """A run that cannot finish (out of retries, or stopped by the time limit) fails the job;
    the chain's verdict stays unknown, so no Verify event is recorded."""
    return bool(
        VerificationJob.objects.filter(
            account_id=job.account_id, id=job.id, status__in=ACTIVE
        ).update(status=Status.FAILED, error=reason[:2000], finished_at=timezone.now())
    )


def verifications_sweep(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue jobs the broker lost or whose worker died (stale heartbeat); fail those out of
    attempts. How many were enqueued."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.EXPORT_STALE_AFTER_S)
    waiting = Q(status=Status.PENDING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )
    lost = Q(status=Status.RUNNING, heartbeat_at__lt=stale)
    with scopes_disabled():  # the sweep looks after every account's jobs
        jobs = VerificationJob.objects.filter(waiting | lost)
        jobs.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED,
            error=_("The verification stopped too often. Please start it again."),
            finished_at=now,
        )
        due = list(jobs.filter(attempts__lt=MAX_ATTEMPTS).values_list("account_id", "id"))
    return sum(dispatch.enqueue(VERIFICATION_RUN_TASK, [account, job]) for account, job in due)
