"""A real Celery worker process, over real Redis, maintains the partitions of the test database."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from auditlog.partitions import month_start, next_month, partition_name
from tests.utils import celery_worker

DEADLINE_S = 60

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]


def partition_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def test_a_real_worker_runs_partitions_maintain():
    from auditlog.tasks import partitions_maintain

    # The furthest month ahead that maintenance keeps; take it away so the task has work to do.
    target = month_start(timezone.now().date())
    for _ in range(settings.AUDIT_PARTITIONS_AHEAD):
        target = next_month(target)
    name = partition_name(target)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
    assert not partition_exists(name)

    with celery_worker() as worker:
        partitions_maintain.apply_async(queue=worker.queue)

        deadline = time.monotonic() + DEADLINE_S
        while not partition_exists(name):
            if not worker.alive():
                pytest.fail(f"the worker exited ({worker.process.returncode}):\n{worker.log()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{name} not created within {DEADLINE_S} s; worker log:\n{worker.log()}"
                )
            time.sleep(0.2)

        log = worker.log(400)
        assert "auditlog.tasks.partitions_maintain" in log
        assert f"created partition {name}" in log
    assert worker.process.returncode is not None, "the worker stops with the block"
