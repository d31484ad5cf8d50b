"""Exports (SPEC S4, S10): request, claim, run, deliver, download, sweep and expire.

The request writes the job and its audit event in one transaction and enqueues the run on commit;
it never waits on the broker. A worker claims the job with a conditional update, streams the rows
out of PostgreSQL with COPY into a temporary file, stores it through Django's storage API, and
delivers it by notification and email. A periodic sweep re-enqueues what the broker lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import os
import secrets
import tempfile
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from accounts.entitlements import Capability, entitlements_for
from accounts.errors import NotFound, Refused
from accounts.models import Account, Membership, User
from accounts.selectors import teams_of_account
from auditlog.services import Actor, EventInput, event_record
from exports import writers
from exports.models import ACTIVE, ExportJob, Kind, Status
from exports.selectors import (
    EMPLOYEE_ACCESS_DAYS,
    ExportPlan,
    employee_access_queryset,
    export_language,
    export_plan,
    export_queryset,
    export_zone,
)
from notifications import dispatch
from notifications.delivery import Attachment, EmailMessage, email_deliver, email_release_stuck
from notifications.jobs import JobHeartbeat
from notifications.models import EmailStatus
from notifications.models import Kind as NotificationKind
from notifications.services import absolute_url

logger = logging.getLogger(__name__)

# Named, not imported: the tasks call these services.
EXPORT_RUN_TASK = "exports.tasks.export_run"
EXPORT_EMAIL_TASK = "exports.tasks.export_email_send"


# Requesting -------------------------------------------------------------------------------


def _require_access(*, account: Account, membership: Membership) -> None:
    if membership.account_id != account.pk or not membership.has_audit_log_access:
        raise PermissionDenied(_("You do not have access to the audit logs of this account."))


@transaction.atomic
def export_request(
    *,
    account: Account,
    membership: Membership,
    filters: dict[str, Any],
    view_name: str,
    whole_log: bool = False,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
    now: dt.datetime | None = None,
) -> ExportJob:
    """Request an export of the log's current view (or the whole log): the job and its Security
    activity / Export event are written together, the run is enqueued after commit."""
    _require_access(account=account, membership=membership)
    plan = export_plan(
        account=account,
        membership=membership,
        filters=filters,
        view_name=view_name,
        whole_log=whole_log,
        now=now,
    )
    return _job_create(
        account=account,
        requester=membership.user,
        plan=plan,
        label=_("Audit log export: %(view)s")
        % {"view": _("Whole log") if whole_log else view_name},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def export_employee_access_request(
    *,
    account: Account,
    membership: Membership,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
    now: dt.datetime | None = None,
) -> ExportJob:
    """A super admin (of any tier) exports platform employees' sign-ins of the last 90 days."""
    if membership.account_id != account.pk or not (
        membership.is_active and membership.is_super_admin
    ):
        raise PermissionDenied(_("Only super admins export employee access history."))
    entitlements = entitlements_for(account=account)
    entitlements.require(Capability.EMPLOYEE_LOGIN_EXPORT)
    now = now or timezone.now()
    user = membership.user
    start = now - dt.timedelta(days=EMPLOYEE_ACCESS_DAYS)
    estimate = employee_access_queryset(
        account=account, entitlements=entitlements, period_start=start, period_end=now
    ).count()
    plan = ExportPlan(
        kind=Kind.EMPLOYEE_ACCESS,
        view_name=str(_("Employee access history")),
        filters={"days": EMPLOYEE_ACCESS_DAYS},
        whole_log=False,
        period_start=start,
        period_end=now,
        estimate=estimate,
        estimate_capped=False,
        time_zone=export_zone(account=account, user=user),
        language=export_language(account=account, user=user),
    )
    return _job_create(
        account=account,
        requester=user,
        plan=plan,
        label=_("Employee access history, last %(days)d days") % {"days": EMPLOYEE_ACCESS_DAYS},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


def _job_create(
    *,
    account: Account,
    requester: User,
    plan: ExportPlan,
    label: str,
    ip: str | None,
    user_agent: str,
    url: str,
) -> ExportJob:
    job = ExportJob.objects.create(
        account=account,
        requester=requester,
        kind=plan.kind,
        view_name=plan.view_name[:120],
        filters=plan.filters,
        whole_log=plan.whole_log,
        period_start=plan.period_start,
        period_end=plan.period_end,
        content_excluded=plan.content_excluded,
        time_zone=plan.time_zone,
        language=plan.language,
        estimated_rows=plan.estimate,
    )
    event = event_record(
        account=account,
        entry=EventInput(
            category="security_activity",
            subcategory="export",
            action="export",
            actor=Actor.of_user(requester),
            object_type=f"{plan.kind}_export",
            object_id=str(job.id),
            object_label=label,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata={
                "export_job_id": job.id,
                "kind": plan.kind,
                "view": plan.view_name,
                "whole_log": plan.whole_log,
                "filters": plan.filters,
                "period_start": plan.period_start.isoformat() if plan.period_start else None,
                "period_end": plan.period_end.isoformat(),
                "rows_estimate": plan.estimate,
                "content_excluded": plan.content_excluded,
            },
        ),
    )
    ExportJob.objects.filter(account=account, id=job.id).update(event_id=event.id)
    job.event_id = event.id
    dispatch.enqueue_on_commit(EXPORT_RUN_TASK, [account.pk, job.id])
    return job


# Claiming and running ---------------------------------------------------------------------


def export_claim(*, job: ExportJob, now: dt.datetime | None = None) -> int | None:
    """Take the job for this run: a pending job, or a running one whose worker stopped beating.
    Returns the claim token (the new attempt number), or None when the job is not to be run."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.EXPORT_STALE_AFTER_S)
    current = (
        ExportJob.objects.filter(account_id=job.account_id, id=job.id)
        .values_list("attempts", flat=True)
        .first()
    )
    if current is None or current >= settings.EXPORT_MAX_ATTEMPTS:
        return None
    claimed = (
        ExportJob.objects.filter(account_id=job.account_id, id=job.id, attempts=current)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, heartbeat_at__lt=stale))
        .update(
            status=Status.RUNNING,
            attempts=current + 1,
            heartbeat_at=now,
            started_at=now,
            rows_written=0,
            progress_percent=0,
            error="",
        )
    )
    return current + 1 if claimed else None


def _heartbeat(job: ExportJob, token: int, total: int, pulse: float | None = None) -> JobHeartbeat:
    """Progress and heartbeat of an export run (its own connection is busy streaming COPY)."""
    return JobHeartbeat(
        table="exports_exportjob",
        count_column="rows_written",
        job=job,
        token=token,
        total=total,
        interval=settings.EXPORT_PROGRESS_INTERVAL_S if pulse is None else pulse,
        lost_error=writers.Lost,
        name=f"export {job.id}",
    )


def export_source(*, job: ExportJob) -> tuple[str, list[writers.Column], int]:
    """The job's SELECT (as SQL text for COPY), its columns and the number of rows it holds."""
    account = job.account
    entitlements = entitlements_for(account=account)
    with translation.override(job.language):
        if job.kind == Kind.EMPLOYEE_ACCESS:
            # Its period is always frozen by the request: the 90 days up to that moment.
            assert job.period_start is not None and job.period_end is not None
            queryset = employee_access_queryset(
                account=account,
                entitlements=entitlements,
                period_start=job.period_start,
                period_end=job.period_end,
            )
            columns = writers.employee_access_columns()
        else:
            queryset = export_queryset(
                account=account,
                entitlements=entitlements,
                filters=job.filters,
                period_start=job.period_start,
                period_end=job.period_end,
                content_excluded=job.content_excluded,
                tz=zoneinfo.ZoneInfo(job.time_zone),
            )
            teams = teams_of_account(account=account).values_list("id", "name")
            columns = writers.audit_log_columns(team_names=dict(teams))
        total = queryset.count()
        return writers.select_sql(queryset, columns), columns, total


def _file_name(job: ExportJob, *, token: int, gzipped: bool) -> str:
    # A name of this job and claim, with a random part: not guessable, and a run that died after
    # storing its file leaves something the finishing run can recognise and remove.
    suffix = ".csv.gz" if gzipped else ".csv"
    return f"{job.id}-{token}-{secrets.token_hex(8)}{suffix}"


def download_name(job: ExportJob) -> str:
    """The file name a person downloads: what, which account, when."""
    stamp = timezone.localtime(job.created_at, zoneinfo.ZoneInfo(job.time_zone))
    kind = "employee-access" if job.kind == Kind.EMPLOYEE_ACCESS else "audit-log"
    suffix = ".csv.gz" if job.gzipped else ".csv"
    return f"auditdesk-{kind}-{job.account_id}-{job.id}-{stamp:%Y%m%d-%H%M}{suffix}"


def _require_still_allowed(*, job: ExportJob) -> None:
    """The requester may have lost access since the request: the run refuses rather than write
    a file of what they may no longer read (the Content gate is checked with the filters)."""
    membership = (
        Membership.objects.filter(account_id=job.account_id, user_id=job.requester_id)
        .select_related("user")
        .first()
    )
    if membership is None or not membership.user.is_active:
        raise Refused(_("You do not have access to the audit logs of this account."))
    if job.kind == Kind.EMPLOYEE_ACCESS:
        if not (membership.is_active and membership.is_super_admin):
            raise Refused(_("Only super admins export employee access history."))
    elif not membership.has_audit_log_access:
        raise Refused(_("You do not have access to the audit logs of this account."))


def export_run(*, job: ExportJob) -> bool:
    """Build the job's file and deliver it, once: False when another run holds or finished it.
    Failures release the job for a retry and propagate; the task decides when to give up."""
    token = export_claim(job=job)
    if token is None:
        return False
    heartbeat = None
    tmp_path = None
    try:
        _require_still_allowed(job=job)
        heartbeat = _heartbeat(job, token, job.estimated_rows)  # beats while the rows are counted
        sql, columns, total = export_source(job=job)
        heartbeat.total = max(total, 1)
        ExportJob.objects.filter(account_id=job.account_id, id=job.id, attempts=token).update(
            estimated_rows=total
        )
        gzipped = total >= settings.EXPORT_GZIP_MIN_ROWS
        fd, tmp_path = tempfile.mkstemp(prefix=f"export-{job.id}-", suffix=".csv")
        os.close(fd)
        with open(tmp_path, "wb") as raw:
            out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) if gzipped else raw
            try:
                written = writers.copy_csv(
                    sql=sql, columns=columns, out=out, time_zone=job.time_zone,
                    on_progress=heartbeat,
                )  # fmt: skip
            finally:
                if gzipped:
                    out.close()
        heartbeat(written.rows)  # still ours? (raises Lost before anything is stored)
        name = _file_name(job, token=token, gzipped=gzipped)
        with open(tmp_path, "rb") as handle:
            stored = default_storage.save(
                f"exports/{job.account_id}/{name}", File(handle, name=name)
            )
        size = default_storage.size(stored)
        finished = _finish(job, token=token, stored=stored, size=size, gzipped=gzipped,
                           rows=written.rows)  # fmt: skip
        if not finished:
            default_storage.delete(stored)
            return False
        _remove_leftovers(job, keep=stored)
        logger.info(
            "export %s of account %s: %s rows in %.2f s (%s bytes)",
            job.id, job.account_id, written.rows, written.seconds, size,
        )  # fmt: skip
        return True
    except writers.Lost:
        logger.warning("export %s: claim lost, another run finishes it", job.id)
        return False
    except BaseException:
        _release(job, token=token)
        raise
    finally:
        if heartbeat is not None:
            heartbeat.close()
        if tmp_path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)


def _release(job: ExportJob, *, token: int) -> None:
    """Hand a failed run's job back (pending), so a retry can claim it without waiting."""
    with contextlib.suppress(Exception):  # the database may be what failed
        ExportJob.objects.filter(
            account_id=job.account_id, id=job.id, status=Status.RUNNING, attempts=token
        ).update(status=Status.PENDING, heartbeat_at=timezone.now())


def _remove_leftovers(job: ExportJob, *, keep: str) -> None:
    """Files of earlier runs of the job that died after storing theirs."""
    directory = f"exports/{job.account_id}"
    # Tidying is best effort: a storage that cannot list its files leaves them to the expiry.
    with contextlib.suppress(FileNotFoundError, NotImplementedError, OSError):
        _, files = default_storage.listdir(directory)
        for name in files:
            path = f"{directory}/{name}"
            if name.startswith(f"{job.id}-") and path != keep:
                default_storage.delete(path)


def download_url(job: ExportJob) -> str:
    return reverse("exports:download", kwargs={"account_id": job.account_id, "job_id": job.id})


def exports_page_url(account_id: int) -> str:
    return reverse("exports:list", kwargs={"account_id": account_id})


@transaction.atomic
def _finish(
    job: ExportJob, *, token: int, stored: str, size: int, gzipped: bool, rows: int
) -> bool:
    now = timezone.now()
    done = ExportJob.objects.filter(
        account_id=job.account_id, id=job.id, status=Status.RUNNING, attempts=token
    ).update(
        status=Status.DONE,
        rows_written=rows,
        progress_percent=100,
        heartbeat_at=now,
        finished_at=now,
        file=stored,
        file_size=size,
        gzipped=gzipped,
        expires_at=now + dt.timedelta(days=settings.EXPORT_EXPIRY_DAYS),
        email_status=EmailStatus.PENDING,
    )
    if not done:
        return False
    job.refresh_from_db()
    _notify_ready(job)
    dispatch.enqueue_on_commit(EXPORT_EMAIL_TASK, [job.account_id, job.id])
    return True


def _notify_ready(job: ExportJob) -> None:
    from notifications.services import notification_create

    with translation.override(job.language):
        rows = formats.number_format(job.rows_written, force_grouping=True)
        if job.rows_written:
            body = _("%(what)s · available until %(expires)s") % {
                "what": job.view_name or job.get_kind_display(),
                "expires": _local(job, job.expires_at),
            }
        else:
            body = _("No events matched; the file holds the column headers only.")
        notification_create(
            account=job.account,
            recipient=job.requester,
            kind=NotificationKind.EXPORT_READY,
            title=_("Your export is ready (%(rows)s rows)") % {"rows": rows},
            body=body,
            url=download_url(job),
            email=False,  # the export sends its own email, with the file attached when small
        )


def _local(job: ExportJob, when: dt.datetime | None) -> str:
    if when is None:
        return ""
    return formats.date_format(
        timezone.localtime(when, zoneinfo.ZoneInfo(job.time_zone)), "DATETIME_FORMAT"
    )


@transaction.atomic
def export_fail(*, job: ExportJob, reason: str, token: int | None = None) -> bool:
    """Give up on a job that is not done: mark it failed and tell the requester why."""
    jobs = ExportJob.objects.filter(account_id=job.account_id, id=job.id, status__in=ACTIVE)
    if token is not None:
        jobs = jobs.filter(attempts=token)
    if not jobs.update(status=Status.FAILED, error=reason[:2000], finished_at=timezone.now()):
        return False
    from notifications.services import notification_create

    with translation.override(job.language):
        notification_create(
            account=job.account,
            recipient=job.requester,
            kind=NotificationKind.EXPORT_FAILED,
            title=_("Your export failed"),
            body=reason,
            url=exports_page_url(job.account_id),
        )
    return True


# Email ------------------------------------------------------------------------------------


def export_email_deliver(*, job: ExportJob) -> bool:
    """Email the requester the download link, and the file when it is small, once. A failure
    counts an attempt and raises; after the last the job stays done, its email marked failed."""
    rows = ExportJob.objects.filter(account_id=job.account_id, id=job.id, status=Status.DONE)
    return email_deliver(rows=rows, message=lambda: _email(job))


def _email(job: ExportJob) -> EmailMessage:
    requester = job.requester
    attachments = []
    if job.file_size <= settings.EXPORT_ATTACH_MAX_BYTES:
        with default_storage.open(job.file.name, "rb") as handle:
            attachments.append(
                Attachment(
                    filename=download_name(job),
                    content=handle.read(),
                    mimetype="application/gzip" if job.gzipped else "text/csv",
                )
            )
    with translation.override(job.language):
        context = {
            "job": job,
            "account": job.account,
            "link": absolute_url(download_url(job)),
            "exports_link": absolute_url(exports_page_url(job.account_id)),
            "rows": formats.number_format(job.rows_written, force_grouping=True),
            "expires": _local(job, job.expires_at),
            "attached": bool(attachments),
        }
        return EmailMessage(
            to=requester.email,
            subject=_("Your Auditdesk export is ready"),
            text=render_to_string("exports/email/ready.txt", context),
            html=render_to_string("exports/email/ready.html", context),
            attachments=attachments,
        )


# Downloading ------------------------------------------------------------------------------


def export_download_record(
    *, account: Account, user: User, job: ExportJob, ip: str | None, user_agent: str, url: str
) -> None:
    """Record that a person downloaded an export's file (Security activity / Export)."""
    if job.account_id != account.pk:
        raise NotFound(_("This export does not exist."))
    event_record(
        account=account,
        entry=EventInput(
            category="security_activity",
            subcategory="export",
            action="download",
            actor=Actor.of_user(user),
            object_type=f"{job.kind}_export",
            object_id=str(job.id),
            object_label=download_name(job),
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata={"downloaded_export_job_id": job.id, "rows": job.rows_written},
        ),
    )


# Housekeeping (beat) ----------------------------------------------------------------------


def exports_sweep(
    *,
    now: dt.datetime | None = None,
    pending_grace: float | None = None,
    stale_after: float | None = None,
) -> dict[str, int]:
    """Re-enqueue jobs the broker lost (pending too long), hand on jobs whose worker died (stale
    heartbeat), fail those out of attempts, and re-enqueue emails still pending."""
    now = now or timezone.now()
    grace = dt.timedelta(
        seconds=settings.EXPORT_PENDING_GRACE_S if pending_grace is None else pending_grace
    )
    stale = dt.timedelta(
        seconds=settings.EXPORT_STALE_AFTER_S if stale_after is None else stale_after
    )
    counts = {"enqueued": 0, "failed": 0, "emails": 0}
    with scopes_disabled():  # the sweep spans accounts by design
        waiting = Q(status=Status.PENDING) & (
            Q(heartbeat_at__lt=now - grace)
            | Q(heartbeat_at__isnull=True, created_at__lt=now - grace)
        )
        lost = Q(status=Status.RUNNING, heartbeat_at__lt=now - stale)
        jobs = list(
            ExportJob.objects.filter(waiting | lost)
            .select_related("account", "requester")
            .order_by("created_at")[:500]
        )
        email_release_stuck(rows=ExportJob.objects.filter(status=Status.DONE), now=now)
        emails = list(
            ExportJob.objects.filter(
                status=Status.DONE,
                email_status=EmailStatus.PENDING,
                finished_at__lt=now - grace,
            ).values_list("account_id", "id")[:500]
        )
    for job in jobs:
        if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
            with scope(account=job.account), translation.override(job.language):
                reason = _("The export stopped after %(n)d attempts.") % {"n": job.attempts}
                counts["failed"] += export_fail(job=job, reason=reason)
        else:
            counts["enqueued"] += dispatch.enqueue(EXPORT_RUN_TASK, [job.account_id, job.id])
    for account_id, job_id in emails:
        counts["emails"] += dispatch.enqueue(EXPORT_EMAIL_TASK, [account_id, job_id])
    return counts


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete files past their expiry; the jobs stay, marked expired."""
    now = now or timezone.now()
    with scopes_disabled():  # spans accounts by design
        expired = list(
            ExportJob.objects.filter(status=Status.DONE, expires_at__lte=now).order_by(
                "expires_at"
            )[:1000]
        )
    count = 0
    for job in expired:
        if job.file:
            with contextlib.suppress(FileNotFoundError):
                default_storage.delete(job.file.name)
        with scopes_disabled():
            count += ExportJob.objects.filter(
                account_id=job.account_id, id=job.id, status=Status.DONE
            ).update(status=Status.EXPIRED, file="")
    return count
