"""Progress and heartbeat of a long background job (an export, a verification of the log).

A job row has a claim token (`attempts`), a count of work done, `progress_percent` and
`heartbeat_at`. The run reports its count; this writes it through a database connection of its
own (the run's connection is busy streaming or reads in a snapshot), only while the run still
holds its claim, and a pulse thread beats whenever nothing was reported for an interval, so a
run that waits (counting, PostgreSQL preparing its first row) never looks dead to the sweep."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from django.db import connections

logger = logging.getLogger(__name__)


class JobRow(Protocol):
    account_id: int
    id: int


class JobHeartbeat:
    """Report progress by calling it with the count done; `lost` turns true (and the call raises
    `lost_error`) once another run has claimed the job. Always `close()` it."""

    def __init__(
        self,
        *,
        table: str,
        count_column: str,
        job: JobRow,
        token: int,
        total: int,
        interval: float,
        lost_error: type[Exception],
        name: str,
    ) -> None:
        # Table and column names come from the calling code, never from input.
        self.sql = (
            f"UPDATE {table} SET {count_column} = %s, progress_percent = %s, heartbeat_at = now() "
            "WHERE account_id = %s AND id = %s AND status = 'running' AND attempts = %s"
        )
        self.job, self.token, self.total = job, token, max(total, 1)
        self.lost_error, self.name = lost_error, name
        self.connection = connections.create_connection("default")
        self.connection.inc_thread_sharing()  # the pulse thread writes through it too
        self.lock = threading.Lock()
        self.count = 0
        self.lost = False
        self.closed = False
        self.last_beat = time.monotonic()
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._pulse, args=(max(interval, 0.1),), name=name, daemon=True
        )
        self.thread.start()

    def _write(self, count: int) -> bool:
        percent = min(99, count * 100 // self.total)
        with self.lock, self.connection.cursor() as cursor:
            cursor.execute(self.sql, [count, percent, self.job.account_id, self.job.id, self.token])
            ours = cursor.rowcount == 1
        self.last_beat = time.monotonic()
        return ours

    def __call__(self, count: int) -> None:
        self.count = count
        if self.lost or not self._write(count):
            self.lost = True
            raise self.lost_error(f"{self.name} was claimed by another run")

    def _pulse(self, interval: float) -> None:
        while not self.stopped.wait(interval):
            if time.monotonic() - self.last_beat < interval:
                continue  # the work is flowing and beating already
            try:
                if not self._write(self.count):
                    self.lost = True
                    return
            except Exception as exc:  # a hiccup must not stop the job; the next beat may pass
                logger.warning("%s: heartbeat not written: %r", self.name, exc)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.stopped.set()
        self.thread.join(timeout=30)
        self.connection.close()
        self.connection.dec_thread_sharing()
