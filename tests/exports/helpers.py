"""Helpers for the export tests: run a job as the worker does, read its file, make finished jobs."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Account, Membership, User
from exports.models import EmailStatus, ExportJob, Kind, Status
from exports.services import export_request, export_run


def membership(account: Account, user: User) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("user", "account").get(account=account, user=user)


def request_export(
    account: Account, user: User, filters: dict | None = None, *, whole_log: bool = False, **kwargs
) -> ExportJob:
    """Request an audit-log export through the service, as the dialog does."""
    with scope(account=account):
        return export_request(
            account=account,
            membership=membership(account, user),
            filters=filters if filters is not None else {"date": "30d"},
            view_name="All logs",
            whole_log=whole_log,
            **kwargs,
        )


def job_of(job: ExportJob) -> ExportJob:
    """The job as stored now."""
    with scopes_disabled():
        return ExportJob.objects.select_related("account", "requester").get(
            account_id=job.account_id, id=job.id
        )


def run(job: ExportJob) -> bool:
    """Run the export as the task does: inside the account's scope, on a fresh copy of the row."""
    fresh = job_of(job)
    with scope(account=fresh.account):
        return export_run(job=fresh)


def file_bytes(job: ExportJob) -> bytes:
    job = job_of(job)
    with default_storage.open(job.file.name, "rb") as handle:
        data = handle.read()
    return gzip.decompress(data) if job.gzipped else data


def parse(data: bytes) -> list[list[str]]:
    """The CSV as a spreadsheet-minded reader sees it (UTF-8 with a byte-order mark)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rows_of(job: ExportJob) -> list[dict[str, str]]:
    header, *rows = parse(file_bytes(job))
    return [dict(zip(header, row, strict=True)) for row in rows]


def stored_files(account: Account) -> list[Path]:
    directory = Path(settings.MEDIA_ROOT) / "exports" / str(account.pk)
    return sorted(directory.iterdir()) if directory.exists() else []


def finished_job(
    account: Account,
    requester: User,
    *,
    content: bytes = b"\xef\xbb\xbfTime,Category\n2026-01-01T10:00:00+00:00,Login\n",
    expires_in: dt.timedelta = dt.timedelta(days=7),
    event_id: int | None = None,
    **fields,
) -> ExportJob:
    """A done export with a stored file, without running one (for page and download tests)."""
    now = timezone.now()
    values = {
        "kind": Kind.AUDIT_LOG,
        "view_name": "All logs",
        "status": Status.DONE,
        "attempts": 1,
        "rows_written": 1,
        "progress_percent": 100,
        "finished_at": now,
        "expires_at": now + expires_in,
        "email_status": EmailStatus.SENT,
        "event_id": event_id,
    }
    job = ExportJob.objects.create(account=account, requester=requester, **(values | fields))
    name = default_storage.save(
        f"exports/{account.pk}/{job.id}-1-test.csv", ContentFile(content, name="x.csv")
    )
    with scopes_disabled():
        ExportJob.objects.filter(account=account, id=job.id).update(
            file=name, file_size=len(content)
        )
    job.file.name, job.file_size = name, len(content)
    return job


@contextlib.contextmanager
def published_to(queue: str, broker_url: str | None = None) -> Iterator[None]:
    """Tasks this test process publishes go to `queue` (and `broker_url`), as the worker's do."""
    from config.celery import app

    conf = app.conf
    previous = (conf.task_default_queue, conf.broker_url)

    def reset() -> None:
        # Celery caches these; kombu keeps one pool per broker URL, so nothing is closed here.
        app.amqp.__dict__.pop("default_queue", None)
        app._pool = None
        app.amqp._producer_pool = None

    conf.task_default_queue = queue
    if broker_url:
        conf.broker_url = broker_url
    reset()
    try:
        yield
    finally:
        conf.task_default_queue, conf.broker_url = previous
        reset()


def worker_env(queue: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The worker writes files where this test reads them, and mail to files one can count."""
    return {
        "CELERY_DEFAULT_QUEUE": queue,
        # The worker drops cached counts (the bell's unread count) where this test reads them.
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "EXPORT_STORAGE_PATH": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        **extra,
    }
