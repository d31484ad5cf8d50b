"""Enqueue Celery tasks after commit without letting a broker outage block the request.

`.delay()` can hang while Redis is down, so the web request never waits on it: the work is a row
in PostgreSQL (written in the request's transaction), the enqueue runs after commit on a short
broker timeout, and a periodic sweep re-enqueues rows that are still pending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from celery import current_app
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, args: Sequence[object]) -> bool:
    """Publish the task once; False (and a log line) when the broker does not answer.

    Tasks are named, not imported, so a service never imports the tasks that call it."""
    try:
        current_app.tasks[task_name].apply_async(args=tuple(args), retry=False)
    except Exception as exc:  # broker down or unreachable: the sweep will pick the row up
        logger.warning("could not enqueue %s%r: %s", task_name, tuple(args), exc)
        return False
    return True


def enqueue_on_commit(task_name: str, args: Sequence[object]) -> None:
    """After the current transaction commits, enqueue the task (in the background by default)."""

    def publish() -> None:
        if settings.DISPATCH_IN_BACKGROUND:
            threading.Thread(target=enqueue, args=(task_name, args), daemon=True).start()
        else:
            enqueue(task_name, args)

    transaction.on_commit(publish)
