"""Monthly range partitions of the event table: created ahead, dropped whole for retention."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

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
        # Row triggers (no UPDATE, no DELETE) come with the parent; TRUNCATE triggers do not.
        # Before migration auditlog.0008 the function does not exist yet; it adds them then.
        cursor.execute("SELECT to_regprocedure('auditlog_event_refuse_truncate()') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(
                f'CREATE TRIGGER auditlog_event_no_truncate BEFORE TRUNCATE ON "{name}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION auditlog_event_refuse_truncate()"
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
    """Drop whole partitions that end on or before `cutoff` (retention without row deletes),
    each after signing a retention anchor for every account it held, in the same transaction;
    a partition whose rows do not verify is kept (its broken link stays visible)."""
    from auditlog.integrity.checkpoints import AnchorRefused, anchors_record

    dropped = []
    for partition in partitions_list():
        if partition.end <= cutoff:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    # No insert may slip in between the anchors and the drop; reads go on.
                    cursor.execute(f'LOCK TABLE "{partition.name}" IN SHARE MODE')
                    anchors_record(partition=partition)
                    cursor.execute(f'ALTER TABLE "{PARENT}" DETACH PARTITION "{partition.name}"')
                    cursor.execute(f'DROP TABLE "{partition.name}"')
            except (AnchorRefused, DatabaseError) as exc:
                logger.error("kept partition %s: %s", partition.name, exc)
                continue
            dropped.append(partition.name)
            logger.info("dropped partition %s (retention)", partition.name)
    return dropped
