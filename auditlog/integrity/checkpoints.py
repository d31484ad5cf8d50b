"""Writing signed checkpoints (a periodic task) and retention anchors (before a partition drop).

A checkpoint vouches only for what was verified: the events since the previous checkpoint are
verified first, so a chain rewritten between two checkpoints is never signed. Each statement is
written to the database in its transaction and to storage after commit; a copy that could not
be written is written by the next run (`stored_at` stays empty until then).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from auditlog.integrity.canonical import (
    GENESIS,
    event_hash,
    metadata_canonical,
    row_canonical,
    rows_select,
)
from auditlog.integrity.keys import current_key_id, statement_sign
from auditlog.integrity.statements import (
    anchor_path,
    anchor_statement,
    checkpoint_path,
    checkpoint_statement,
    statement_file_write,
)
from auditlog.integrity.verify import chain_verify, verification_record
from auditlog.models import Checkpoint, RetentionAnchor
from auditlog.partitions import Partition

logger = logging.getLogger(__name__)


def checkpoint_write(*, account_id: int) -> Checkpoint | None:
    """Sign a checkpoint of the account's chain when it grew since its last checkpoint, after
    verifying the events since then; a broken chain gets no checkpoint and a failed Verification."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One writer of an account's checkpoints at a time (beat may run the task twice).
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"auditlog_checkpoint:{account_id}"],
            )
        with scope(account=account_id):
            latest = Checkpoint.objects.filter(account_id=account_id).order_by("-seq").first()
        result = chain_verify(account_id=account_id, since=latest, record=False)
        if not result.ok:
            verification_record(result)
            return None
        if result.through_seq == (latest.seq if latest else 0):
            return None
        checkpoint = Checkpoint(
            account_id=account_id,
            seq=result.through_seq,
            hash=bytes.fromhex(result.through_hash),
            signed_at=timezone.now(),
            previous_signature=bytes(latest.signature) if latest else b"",
            key_id=current_key_id(),
        )
        checkpoint.signature = statement_sign(checkpoint_statement(checkpoint))
        with scope(account=account_id):
            checkpoint.save(force_insert=True)
        transaction.on_commit(partial(checkpoint_store, checkpoint))
    return checkpoint


def checkpoint_store(checkpoint: Checkpoint) -> None:
    """Write a checkpoint's copy to storage and note when."""
    path = checkpoint_path(checkpoint.account_id, checkpoint.seq)
    statement = checkpoint_statement(checkpoint)
    if statement_file_write(path, statement, bytes(checkpoint.signature)):
        with scope(account=checkpoint.account_id):
            Checkpoint.objects.filter(account_id=checkpoint.account_id, seq=checkpoint.seq).update(
                stored_at=timezone.now()
            )


def anchor_store(anchor: RetentionAnchor) -> None:
    """Write a retention anchor's copy to storage and note when."""
    statement = anchor_statement(anchor)
    path = anchor_path(anchor.account_id, statement["month"])
    if statement_file_write(path, statement, bytes(anchor.signature)):
        with scope(account=anchor.account_id):
            RetentionAnchor.objects.filter(account_id=anchor.account_id, month=anchor.month).update(
                stored_at=timezone.now()
            )


def checkpoints_write() -> list[Checkpoint]:
    """Checkpoint every account whose chain grew since its last checkpoint, then store the
    copies earlier runs could not write (the periodic task)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.account_id FROM auditlog_chainhead h WHERE h.last_seq > coalesce("
            "(SELECT max(c.seq) FROM auditlog_checkpoint c WHERE c.account_id = h.account_id), 0)"
            " ORDER BY h.account_id"
        )
        accounts = [row[0] for row in cursor.fetchall()]
    written = []
    for account_id in accounts:
        checkpoint = checkpoint_write(account_id=account_id)
        if checkpoint is not None:
            written.append(checkpoint)
    statements_store_pending()
    return written


def statements_store_pending() -> int:
    """Write the storage copies still missing (storage was down when they were signed)."""
    # A sweep over every account's statements, like the export and email sweeps.
    with scopes_disabled():
        checkpoints = list(Checkpoint.objects.filter(stored_at__isnull=True))
        anchors = list(RetentionAnchor.objects.filter(stored_at__isnull=True))
    for checkpoint in checkpoints:
        checkpoint_store(checkpoint)
    for anchor in anchors:
        anchor_store(anchor)
    return len(checkpoints) + len(anchors)


class AnchorRefused(Exception):
    """A partition whose events do not verify is not dropped: its anchor would vouch for them."""


def _hash_before(account_id: int, seq: int, partition: Partition) -> str:
    """The hash of seq - 1, where a run of the partition begins: in another partition, in an
    earlier anchor, or the genesis."""
    if seq == 1:
        return GENESIS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hash FROM auditlog_event WHERE account_id = %s AND seq = %s"
            " AND tableoid <> %s::regclass",
            [account_id, seq - 1, partition.name],
        )
        rows = cursor.fetchall()
    if len(rows) == 1:
        return bytes(rows[0][0]).hex()
    with scope(account=account_id):
        for anchor in RetentionAnchor.objects.filter(account_id=account_id):
            for _, last, _, last_hash in anchor.ranges:
                if last == seq - 1:
                    return str(last_hash)
    raise AnchorRefused(f"account {account_id}: the event before seq {seq} is missing")


def _runs(account_id: int, partition: Partition) -> tuple[list[list[object]], int]:
    """The partition's runs of consecutive seqs of the account, each row's link verified."""
    runs: list[list[object]] = []
    events = 0
    last_seq, prev = -1, GENESIS
    sql = (
        f'SELECT {rows_select()} FROM "{partition.name}" e WHERE e.account_id = %s'
        " ORDER BY e.seq, e.id"
    )
    # A server-side cursor, so _hash_before can ask the database while the rows stream.
    with connection.chunked_cursor() as rows:
        rows.execute(sql, [account_id])
        for seq, event_id, stored, metadata, values in rows:
            if seq == last_seq:
                raise AnchorRefused(f"account {account_id}: seq {seq} occurs twice")
            if seq != last_seq + 1:
                prev = _hash_before(account_id, seq, partition)
                runs.append([seq, seq, prev, prev])
            stored = bytes(stored)
            if event_hash(prev, row_canonical(values, metadata_canonical(metadata))) != stored:
                raise AnchorRefused(
                    f"account {account_id}: event {event_id} at seq {seq} does not verify"
                )
            prev = stored.hex()
            runs[-1][1], runs[-1][3] = seq, prev
            last_seq = seq
            events += 1
    return runs, events


def anchors_record(*, partition: Partition) -> list[RetentionAnchor]:
    """Sign a retention anchor for every account with events in a partition about to be dropped
    (in the dropping transaction), after verifying each of those events' links."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT account_id FROM "{partition.name}" ORDER BY 1')
        accounts = [row[0] for row in cursor.fetchall()]
    anchors = []
    for account_id in accounts:
        ranges, events = _runs(account_id, partition)
        anchor = RetentionAnchor(
            account_id=account_id,
            month=partition.start,
            ranges=ranges,
            events=events,
            dropped_at=timezone.now(),
            key_id=current_key_id(),
        )
        anchor.signature = statement_sign(anchor_statement(anchor))
        with scope(account=account_id):
            anchor.save(force_insert=True)
        transaction.on_commit(partial(anchor_store, anchor))
        anchors.append(anchor)
    return anchors
