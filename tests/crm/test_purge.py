"""The daily purge: records deleted more than 90 days ago go for good, in a fixed number of
queries, account by account."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from crm.models import Association, PurgeLog, Record
from crm.services import records_purge
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=91)
RECENTLY = NOW - dt.timedelta(days=30)


def deleted(account, label: str, when: dt.datetime, **fields) -> Record:
    record = RecordFactory(account=account, label=label, **fields)
    Record.objects.filter(account=account, id=record.id).update(deleted_at=when)
    return record


def link(account, source: Record, target: Record, label: str = "") -> Association:
    return Association.objects.create(
        account=account, from_record_id=source.id, to_record_id=target.id, label=label
    )


def purgeable(accounts, count: int, tag: str) -> list[Record]:
    """In each account, `count` records deleted long ago, each linked both ways to a live record
    and to the previous purgeable one."""
    records = []
    with scopes_disabled():
        for account in accounts:
            live = RecordFactory(account=account, label=f"Live {tag}")
            previous = None
            for i in range(count):
                record = deleted(account, f"Old {tag} {i}", LONG_AGO)
                link(account, record, live, "works at")
                link(account, live, record, "employs")
                if previous is not None:
                    link(account, previous, record, "knows")
                previous = record
                records.append(record)
    return records


def purge_counting() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        purged = records_purge(now=NOW)
    return purged, len(ctx.captured_queries)


def test_purging_ten_records_costs_the_queries_of_purging_one(account, other_account):
    accounts = (account, other_account)
    purgeable(accounts, 1, "a")
    purged_one, with_one = purge_counting()

    old = purgeable(accounts, 10, "b")
    purged_ten, with_ten = purge_counting()

    assert (purged_one, purged_ten) == (2, 20)
    assert with_ten == with_one
    with scopes_disabled():
        assert not Record.objects.filter(deleted_at__isnull=False).exists()
        assert Record.objects.filter(label__startswith="Live").count() == 4
        assert not Association.objects.exists()  # every link touched a purged record
        logs = {(log.account_id, log.record_id): log for log in PurgeLog.objects.all()}
    assert len(logs) == 22
    for record in old:
        log = logs[(record.account_id, record.id)]
        assert (log.label, log.object_type) == (record.label, record.object_type)
        assert log.deleted_at == LONG_AGO


def test_the_purge_keeps_what_is_not_due_and_stays_within_each_account(account, other_account):
    with scopes_disabled():
        old = deleted(account, "Old", LONG_AGO)
        # Another account's records may carry the same id: only the account's own pair is purged.
        twin = deleted(other_account, "Twin", RECENTLY, id=old.id)
        twin_friend = RecordFactory(account=other_account, label="Twin's friend")
        twin_link = link(other_account, twin, twin_friend)
        recent = deleted(account, "Recent", RECENTLY)
        live = RecordFactory(account=account, label="Live")
        kept_link = link(account, recent, live)

    assert records_purge(now=NOW) == 1
    assert records_purge(now=NOW) == 0

    with scopes_disabled():
        assert set(Record.objects.values_list("label", flat=True)) == {
            "Twin",
            "Twin's friend",
            "Recent",
            "Live",
        }
        assert set(Association.objects.values_list("id", flat=True)) == {twin_link.id, kept_link.id}
        assert list(PurgeLog.objects.values_list("account_id", "record_id")) == [
            (account.pk, old.id)
        ]


def test_a_purge_that_already_logged_a_record_keeps_the_first_log(account):
    with scopes_disabled():
        record = deleted(account, "Jane Doe", LONG_AGO)
        earlier = timezone.now() - dt.timedelta(days=1)
        PurgeLog.objects.create(
            account=account,
            record_id=record.id,
            object_type=record.object_type,
            label="Jane Doe",
            deleted_at=LONG_AGO,
        )
        PurgeLog.objects.filter(account=account, record_id=record.id).update(purged_at=earlier)

    assert records_purge(now=NOW) == 1

    with scopes_disabled():
        assert not Record.objects.filter(account=account, id=record.id).exists()
        assert PurgeLog.objects.get(account=account, record_id=record.id).purged_at == earlier


def test_a_purge_larger_than_one_batch_takes_every_record(account):
    with scopes_disabled():
        for i in range(7):
            deleted(account, f"Old {i}", LONG_AGO)

    assert records_purge(now=NOW, batch_size=3) == 7

    with scopes_disabled():
        assert not Record.objects.filter(account=account).exists()
        assert PurgeLog.objects.filter(account=account).count() == 7


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_remove_and_log_each_record_once(account, other_account):
    old = purgeable((account, other_account), 5, "c")
    results: list[int] = []
    barrier = threading.Barrier(2)

    def purge() -> None:
        barrier.wait()
        try:
            results.append(records_purge(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 2 and sum(results) == len(old) == 10  # each record counted once
    with scopes_disabled():
        assert PurgeLog.objects.count() == 10
        assert not Record.objects.filter(deleted_at__isnull=False).exists()
