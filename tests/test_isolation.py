"""The suite shares Redis with `make run` and parallel workers: its keys and tasks stay apart."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests.conftest import CACHE_PREFIX, CELERY_QUEUE


def test_cache_keys_carry_this_workers_prefix():
    cache.set("probe", "value", timeout=30)
    client = cache._cache.get_client()

    assert cache.make_and_validate_key("probe").startswith(f"{CACHE_PREFIX}:")
    assert client.get(cache.make_and_validate_key("probe")) is not None
    assert cache.get("probe") == "value"
    cache.delete("probe")


@pytest.mark.django_db
def test_published_tasks_go_to_the_suites_own_queue_not_celery():
    from auditlog.tasks import partitions_maintain

    client = cache._cache.get_client(write=True)

    partitions_maintain.apply_async()

    # Had it gone to "celery", a `make run` worker on the same Redis would run it on its own data.
    assert celery_app.amqp.default_queue.name == CELERY_QUEUE
    assert client.llen(CELERY_QUEUE) == 1
    client.delete(CELERY_QUEUE)
