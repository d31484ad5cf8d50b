"""The per-account chain head, and chaining rows written without a link.

A writer locks the account's `auditlog_chainhead` row (`SELECT … FOR UPDATE`, creating it at
seq 0 first), takes the next seqs, hashes its rows, inserts them and moves the head, all in one
transaction: concurrent writers for one account queue on the lock, so the chain never forks and
never has a gap, and a rolled-back insert rolls the head back with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from auditlog.integrity.canonical import (
    FIELDS,
    GENESIS,
    event_hash,
    metadata_canonical,
    row_canonical,
    rows_select,
)


@dataclass(frozen=True)
class ChainLock:
    """An account's chain head, locked until the transaction ends, with what the writer asked
    for in the same round trip: event ids, the transaction's time and inet-normalised IPs."""

    account_id: int
    last_seq: int
    last_hash: str  # hex; GENESIS before the first event
    now: dt.datetime
    ids: list[int]
    hosts: list[str | None]


_LOCK_SQL = """
SELECT h.last_seq, h.last_hash, now(),
       ARRAY(SELECT nextval('auditlog_event_id_seq') FROM generate_series(1, %(ids)s)),
       ARRAY(SELECT host(a.address::inet)
             FROM unnest(%(addresses)s::text[]) WITH ORDINALITY AS a(address, position)
             ORDER BY a.position)
FROM auditlog_chainhead h
WHERE h.account_id = %(account)s
FOR UPDATE OF h
"""


def chain_lock(*, account_id: int, ids: int = 0, addresses: Sequence[str | None] = ()) -> ChainLock:
    """Lock the account's chain head for the rest of the transaction (the caller's atomic block),
    reserving `ids` event ids and normalising `addresses` as PostgreSQL stores an inet."""
    params: dict[str, Any] = {"account": account_id, "ids": ids, "addresses": list(addresses)}
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, params)
        row = cursor.fetchone()
        if row is None:
            # The account's first event: make the head, then lock it like any other writer (a
            # concurrent first writer makes it too; ON CONFLICT lets one of them win quietly).
            cursor.execute(
                "INSERT INTO auditlog_chainhead (account_id, last_seq, last_hash)"
                " VALUES (%s, 0, %s) ON CONFLICT DO NOTHING",
                [account_id, bytes.fromhex(GENESIS)],
            )
            cursor.execute(_LOCK_SQL, params)
            row = cursor.fetchone()
    last_seq, last_hash, now, reserved, hosts = row
    return ChainLock(
        account_id=account_id,
        last_seq=last_seq,
        last_hash=bytes(last_hash).hex(),
        now=now,
        ids=list(reserved),
        hosts=list(hosts),
    )


def chain_advance(*, account_id: int, last_seq: int, last_hash: bytes) -> None:
    """Move the locked head to the last event just written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auditlog_chainhead SET last_seq = %s, last_hash = %s WHERE account_id = %s",
            [last_seq, last_hash, account_id],
        )


# Chaining rows that have no link yet: the events of a database made before the chain existed
# (migration auditlog.0008), and rows a bulk loader staged in a table of its own (bench).

BATCH = 10_000


@dataclass(frozen=True)
class Link:
    account_id: int
    occurred_at: dt.datetime
    id: int
    seq: int
    hash: bytes


def _links(*, source: str, account_id: int, after_seq: int, prev: str) -> Iterator[list[Link]]:
    """The account's rows in `source` in (occurred_at, id) order, linked on from `after_seq` and
    `prev`, a batch at a time (memory stays flat however many rows there are)."""
    select = rows_select(
        seq="%(base)s + row_number() OVER (ORDER BY e.occurred_at, e.id)",
        extra=["e.occurred_at"],
    )
    sql = (
        f"SELECT {select} FROM (SELECT * FROM {source} s WHERE s.account_id = %(account)s"
        " AND (s.occurred_at, s.id) > (%(after_time)s, %(after_id)s)"
        f" ORDER BY s.occurred_at, s.id LIMIT {BATCH}) e ORDER BY e.occurred_at, e.id"
    )
    base = after_seq
    after_time, after_id = dt.datetime.min.replace(tzinfo=dt.UTC), -1
    while True:
        params: dict[str, Any] = {
            "account": account_id,
            "base": base,
            "after_time": after_time,
            "after_id": after_id,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        batch = []
        for seq, event_id, _, metadata, values, occurred_at in rows:
            digest = event_hash(prev, row_canonical(values, metadata_canonical(metadata)))
            prev = digest.hex()
            batch.append(Link(account_id, occurred_at, event_id, seq, digest))
        last = batch[-1]
        base, after_time, after_id = last.seq, last.occurred_at, last.id
        yield batch


def _head_store(account_id: int, last: Link) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auditlog_chainhead (account_id, last_seq, last_hash) VALUES (%s, %s, %s)"
            " ON CONFLICT (account_id) DO UPDATE"
            " SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
            [account_id, last.seq, last.hash],
        )


def chain_backfill() -> int:
    """Chain events stored without a link, per account in (occurred_at, id) order; the number of
    events chained. Runs before the table refuses updates (migration auditlog.0008)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT account_id FROM auditlog_event WHERE seq IS NULL")
        accounts = sorted(row[0] for row in cursor.fetchall())
    total = 0
    for account_id in accounts:
        last = None
        for batch in _links(
            source="auditlog_event", account_id=account_id, after_seq=0, prev=GENESIS
        ):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE auditlog_event e SET seq = v.seq, hash = v.hash"
                    " FROM unnest(%s::timestamptz[], %s::bigint[], %s::bigint[], %s::bytea[])"
                    " AS v(occurred_at, id, seq, hash)"
                    " WHERE e.account_id = %s AND e.occurred_at = v.occurred_at AND e.id = v.id",
                    [
                        [link.occurred_at for link in batch],
                        [link.id for link in batch],
                        [link.seq for link in batch],
                        [link.hash for link in batch],
                        account_id,
                    ],
                )
            total += len(batch)
            last = batch[-1]
        if last is not None:
            _head_store(account_id, last)
    if total:
        with connection.cursor() as cursor:
            # Verification reads by (account_id, seq): let the planner know the new column.
            cursor.execute("ANALYZE auditlog_event")
    return total


def stage_create(name: str) -> None:
    """An empty unlogged table shaped like the event table, without seq and hash, for a bulk
    loader to fill (ids and recorded_at default as in the event table) before `chain_staged`."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE UNLOGGED TABLE {name} (LIKE auditlog_event INCLUDING DEFAULTS)")
        cursor.execute(f"ALTER TABLE {name} DROP COLUMN seq, DROP COLUMN hash")


def chain_staged(*, source: str) -> int:
    """Append the rows of table `source` (every event column but seq and hash, ids and recorded_at
    filled) to their accounts' chains in (occurred_at, id) order and insert them into the event
    table, in one transaction; the number of events written."""
    columns = ", ".join(name for name in FIELDS if name != "seq")
    total = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX ON {source} (account_id, occurred_at, id)")
            cursor.execute(f"SELECT DISTINCT account_id FROM {source}")
            accounts = sorted(row[0] for row in cursor.fetchall())
            cursor.execute(
                "CREATE TEMPORARY TABLE auditlog_staged_link"
                " (id bigint PRIMARY KEY, seq bigint NOT NULL, hash bytea NOT NULL) ON COMMIT DROP"
            )
        for account_id in accounts:
            lock = chain_lock(account_id=account_id)  # held until the rows are in
            last = None
            for batch in _links(
                source=source, account_id=account_id, after_seq=lock.last_seq, prev=lock.last_hash
            ):
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(
                        "COPY auditlog_staged_link (id, seq, hash) FROM STDIN"
                    ) as copy,
                ):
                    for link in batch:
                        copy.write_row((link.id, link.seq, link.hash))
                total += len(batch)
                last = batch[-1]
            if last is not None:
                _head_store(account_id, last)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO auditlog_event ({columns}, seq, hash)"
                f" SELECT {', '.join(f's.{name}' for name in FIELDS if name != 'seq')},"
                f" l.seq, l.hash FROM {source} s JOIN auditlog_staged_link l ON l.id = s.id"
                # In time order, as an append-only log fills its partitions.
                " ORDER BY s.occurred_at, s.id"
            )
    return total
