"""Helpers shared by tests (fixtures live in conftest.py, factories in factories.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django_scopes import scope

from accounts.models import Account
from auditlog.models import Event

CELERY = Path(sys.executable).parent / "celery"


def events_of(account: Account, **filters) -> list[Event]:
    """The account's stored events, oldest first, read inside its scope as the product does."""
    with scope(account=account):
        return list(Event.objects.filter(account=account, **filters).order_by("occurred_at", "id"))


def current_database_url() -> str:
    """A DATABASE_URL for the database this test runs on (a TCP host or a unix socket dir)."""
    db = connection.settings_dict
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    name = quote(db["NAME"], safe="")
    if not host or host.startswith("/"):
        query = f"?host={quote(host, safe='/')}" if host else ""
        if db["PORT"]:
            query += f"{'&' if query else '?'}port={db['PORT']}"
        return f"postgres://{auth}@/{name}{query}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{name}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    queue: str
    log_path: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def celery_worker(
    *, queue: str | None = None, env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """A real `celery -A config worker` on this test's database and the suite's Redis.

    It consumes only `queue` (by default a new one of its own, so a `make run` worker or a
    parallel run on the same Redis never takes its messages); publish with `queue=worker.queue`.
    Needs `django_db(transaction=True)`: the worker only sees committed rows.
    """
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(
        DATABASE_URL=current_database_url(),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    environment.update(env or {})  # may name another broker, e.g. a Redis a test stops
    handle, log_name = tempfile.mkstemp(prefix="celery-worker-", suffix=".log")
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.close(handle)
    try:
        yield WorkerProcess(process=process, queue=queue, log_path=Path(log_name))
    finally:
        _stop(process)
        Path(log_name).unlink(missing_ok=True)
        forget_queue(queue)


def forget_queue(queue: str) -> None:
    """Delete a test queue's messages and the bindings kombu keeps for it in Redis."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # best effort: Redis may be what a test took down
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{queue}*", count=500))
        keys += [f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        client.delete(*keys)


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM), SIGKILL if it lingers; then no pool child may outlive it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    # Pool children that outlived their parent would keep the test database open.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
