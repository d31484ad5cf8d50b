"""Monthly range partitions of the event table: created ahead, dropped whole for retention."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import connection, transaction

logger = logging.getLogger(__name__)

PARENT = "auditlog_event"


@dataclass(frozen=True)
class Partition:
    name: str
    start: dt.date
    end: dt.date


def month_start(value: dt.date | dt.datetime) -> dt.date:
    return dt.date(value.year, value.month, 1)


def next_month(value: dt.date) -> dt.date:
    return dt.date(value.year + (value.month == 12), value.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def partitions_list() -> list[Partition]:
    """The event table's partitions, oldest first, read from the catalog."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = %s
            ORDER BY c.relname
            """,
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    result = []
    for name in names:
        stamp = name.rsplit("_p", 1)[-1]
        start = dt.date(int(stamp[:4]), int(stamp[4:6]), 1)
        result.append(Partition(name=name, start=start, end=next_month(start)))
    return result


def partition_ensure(month: dt.date) -> bool:
    """Create the partition holding `month` if it is missing; True when it was created."""
    start = month_start(month)
    name = partition_name(start)
    with transaction.atomic(), connection.cursor() as cursor:
        # Serialise concurrent creators (web, worker, bulk loader) on one advisory lock.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PARENT])
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            return False
        cursor.execute(
            f'CREATE TABLE "{name}" PARTITION OF "{PARENT}" '
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{next_month(start).isoformat()}')"
        )
    logger.info("created partition %s", name)
    return True


def partitions_ensure_range(start: dt.date, end: dt.date) -> list[str]:
    """Create every monthly partition from start's month through end's month."""
    created = []
    month = month_start(start)
    while month <= end:
        if partition_ensure(month):
            created.append(partition_name(month))
        month = next_month(month)
    return created


def partitions_drop_before(cutoff: dt.date) -> list[str]:
    """Drop whole partitions that end on or before `cutoff` (retention without row deletes)."""
    dropped = []
    for partition in partitions_list():
        if partition.end <= cutoff:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "{PARENT}" DETACH PARTITION "{partition.name}"')
                cursor.execute(f'DROP TABLE "{partition.name}"')
            dropped.append(partition.name)
            logger.info("dropped partition %s (retention)", partition.name)
    return dropped
