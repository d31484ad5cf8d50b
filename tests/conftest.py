"""Root fixtures: accounts at each tier, people with and without audit-log access, clients.

Runs against real PostgreSQL and Redis (DATABASE_URL / REDIS_URL, else the embedded servers).
Each xdist worker gets its own test database (pytest-django) and its own cache key prefix, so
parallel workers, and a `make run` sharing the same Redis, never see each other's keys.
"""

from __future__ import annotations

import contextlib
import copy
import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created
from django.test import Client, override_settings
from django_scopes import scopes_disabled

from accounts.models import Account, Product, Role, Tier, User
from auditlog.models import Event
from auditlog.services import Actor, EventInput, event_record
from tests.factories import account_with_tier, member_of
from tests.utils import forget_queue

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHE_PREFIX = f"test-{uuid.uuid4().hex[:8]}-{WORKER}"
# Tasks the code under test publishes (on commit) go to a queue of this run's own: a `make run`
# worker on the same Redis must never execute them against its own database.
CELERY_QUEUE = f"{CACHE_PREFIX}-celery"


def _allow_truncate(sender, connection, **kwargs) -> None:
    """Django's flush after each transactional test TRUNCATEs the event table, which refuses it
    unless the session says so (auditlog migration 0008)."""
    with connection.cursor() as cursor:
        cursor.execute("SET auditdesk.allow_truncate = on")


connection_created.connect(_allow_truncate)


def pytest_configure(config: pytest.Config) -> None:
    # Static files come from the finders in tests; STATIC_ROOT is only filled by collectstatic.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    # pytest-base-url (a pytest-playwright dependency) still declares an instance-method fixture.
    config.addinivalue_line("filterwarnings", "ignore:Session-scoped fixtures defined as instance")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say loudly when the browser tests did not run (CI must run them)."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if report.nodeid.startswith("tests/browser/")
    ]
    if skipped:
        banner = "!" * 78
        terminalreporter.write_line(banner, red=True, bold=True)
        terminalreporter.write_line(
            f"!!  BROWSER TESTS SKIPPED ({len(skipped)}): no Chromium "
            "(apt-get install -y chromium, or set CHROMIUM_PATH)",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(banner, red=True, bold=True)


@pytest.fixture(autouse=True)
def _language_and_zone_reset() -> Iterator[None]:
    """Each test starts in the default language and time zone: a request by a Dutch-speaking
    person activates Dutch for the thread, which must not carry over into the next test."""
    from django.utils import timezone, translation

    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _suite_settings() -> Iterator[None]:
    """A cache key prefix and a Celery queue of this worker's own, a fast password hasher, and the
    packaged GeoLite2 City database whatever GEOIP_PATH says (so tests can name real places)."""
    from auditlog import enrichment
    from config.celery import app as celery_app

    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = CACHE_PREFIX
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = CELERY_QUEUE
    _forget_celery_routing(celery_app)
    with override_settings(
        CACHES=caches,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        GEOIP_PATH="",
    ):
        enrichment._reader.cache_clear()
        enrichment.locate.cache_clear()
        try:
            yield
        finally:
            celery_app.conf.task_default_queue = default_queue
            _forget_celery_routing(celery_app)
            # RedisCache.clear() flushes the whole Redis database; delete only this run's keys.
            from django.core.cache import cache

            with contextlib.suppress(Exception):
                client = cache._cache.get_client(write=True)
                for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=500):
                    client.delete(key)
            forget_queue(CELERY_QUEUE)


def _forget_celery_routing(celery_app) -> None:
    """Celery caches the default queue on first publish; make it read the setting again."""
    for name in ("default_queue", "queues", "router"):
        celery_app.amqp.__dict__.pop(name, None)


@pytest.fixture
def account(db) -> Account:
    """An Enterprise account: every product at Enterprise, Content included."""
    with scopes_disabled():
        return account_with_tier(Tier.ENTERPRISE, products=tuple(Product), name="Northwind Test")


@pytest.fixture
def other_account(db) -> Account:
    """A second Enterprise account: its data must never show in `account`."""
    with scopes_disabled():
        return account_with_tier(Tier.ENTERPRISE, products=tuple(Product), name="Globex Test")


@pytest.fixture
def starter_account(db) -> Account:
    with scopes_disabled():
        return account_with_tier(Tier.STARTER, products=(Product.SALES,), name="Initech Test")


@pytest.fixture
def super_admin(account: Account) -> User:
    with scopes_disabled():
        return member_of(
            account, role=Role.SUPER_ADMIN, email="ada@northwind.test", full_name="Ada Lovelace"
        )


@pytest.fixture
def member(account: Account) -> User:
    """A member who was granted audit-log access."""
    with scopes_disabled():
        return member_of(
            account,
            role=Role.MEMBER,
            audit_log_access=True,
            email="grace@northwind.test",
            full_name="Grace Hopper",
        )


@pytest.fixture
def member_without_access(account: Account) -> User:
    with scopes_disabled():
        return member_of(
            account, role=Role.MEMBER, email="linus@northwind.test", full_name="Linus Torvalds"
        )


@pytest.fixture
def client_for(db) -> Callable[[User | None], Client]:
    """A test client signed in as the person (anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def record_event(db) -> Callable[..., Event]:
    """Record one event through the service (validated and enriched), with sensible defaults."""

    def record(
        account: Account,
        *,
        actor: User,
        category: str = "crm_objects",
        subcategory: str = "contact",
        action: str = "update",
        **fields,
    ) -> Event:
        return event_record(
            account=account,
            entry=EventInput(
                category=category,
                subcategory=subcategory,
                action=action,
                actor=Actor.of_user(actor),
                **fields,
            ),
        )

    return record


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Run `.delay()` / `.apply_async()` in-process (test_worker.py drives a real worker)."""
    from config.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous
