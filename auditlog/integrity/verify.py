"""Verification of an account's chain: seq continuity, every hash, every signed statement, and
the chain against its checkpoints and head, naming the first broken or missing link.

The walk streams the account's events in seq order (COPY, binary) and checks each row against
the stored hash of the row before it, so a broken link is named where it breaks and the rows
after it are not blamed. Storage is listed first; the statements, the chain head and the rows
are then read in one snapshot (REPEATABLE READ) when the caller has no transaction open, so the
chain must end exactly at its head. Inside a caller's transaction only rows up to the head read
at the start are walked (events recorded meanwhile are left for the next run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope

from auditlog.integrity.canonical import (
    GENESIS,
    IP_INDEX,
    METADATA_INDEX,
    ROW_TYPES,
    TEMPLATE,
    TEMPLATE_WITHOUT_IP,
    metadata_canonical,
    rows_select,
)
from auditlog.integrity.keys import statement_verify, verification_keys
from auditlog.integrity.statements import (
    CHECKPOINT,
    RETENTION_ANCHOR,
    StatementFile,
    anchor_path,
    anchor_statement,
    checkpoint_path,
    checkpoint_statement,
    statement_files,
)
from auditlog.models import Checkpoint, RetentionAnchor, Verification, VerificationStatus

logger = logging.getLogger(__name__)

# The checks a verification makes, by the name its Failure carries.
CHECKS = {
    "seq_missing": "a seq that no event and no retention anchor holds (an event was deleted)",
    "seq_duplicate": "two events with one seq (an event was forged or copied)",
    "hash_mismatch": "an event whose fields and previous hash do not give its stored hash",
    "anchor_overlap": "an event in a seq range a retention anchor says was dropped",
    "anchor_mismatch": "a retention anchor that does not link to the chain before it",
    "tail_missing": "the chain ends before its head or a signed checkpoint (events were cut off)",
    "head_mismatch": "the chain head differs from the last event, or is missing",
    "checkpoint_mismatch": "the chain's hash differs from a signed checkpoint (rewritten chain)",
    "checkpoint_signature": "a checkpoint or anchor not signed by a known key (edited)",
    "checkpoint_link": "a checkpoint not naming its predecessor's signature (one was removed)",
    "checkpoint_file_mismatch": "a statement whose storage copy differs from the database's",
    "checkpoint_missing": "a signed checkpoint in storage that the database lacks (deleted)",
    "statement_file_unreadable": "a file under checkpoints/ that is not a signed statement",
}
NO_HEAD = 1 << 62  # an account whose head is missing: walk every event it has
PROGRESS_EVERY = 1 << 16  # events between two progress reports (a power of two: a cheap test)


@dataclass(frozen=True)
class Failure:
    """The first broken or missing link: where, which event (if it exists) and which check."""

    seq: int
    event_id: int | None
    check: str  # a key of CHECKS
    detail: str


@dataclass
class VerificationResult:
    account_id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    events_checked: int = 0
    through_seq: int = 0  # intact from the start (or `since`) through this seq
    through_hash: str = GENESIS  # the chain's hash at through_seq (hex)
    checkpoint_seq: int | None = None  # the newest signed checkpoint the chain matched
    failure: Failure | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def status(self) -> str:
        return VerificationStatus.VERIFIED if self.ok else VerificationStatus.FAILED


class _Broken(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def _fail(seq: int, check: str, detail: str, event_id: int | None = None) -> NoReturn:
    raise _Broken(Failure(seq, event_id, check, detail))


@dataclass(frozen=True)
class _Run:
    """A run of seqs retention dropped, as a valid anchor states it."""

    first: int
    last: int
    prev: str  # the chain's hash before `first`
    last_hash: str
    month: str


@dataclass
class _Statements:
    """What the signed statements say the chain must hold, and what is wrong with them."""

    checkpoints: dict[int, str] = field(default_factory=dict)  # seq → the chain's hash there
    runs: dict[int, _Run] = field(default_factory=dict)  # first seq → run
    problems: dict[int, Failure] = field(default_factory=dict)  # seq → the first problem there
    warnings: list[str] = field(default_factory=list)

    def problem(self, seq: int, check: str, detail: str) -> None:
        self.problems.setdefault(seq, Failure(seq, None, check, detail))


def _statements_read(
    *,
    account_id: int,
    since: Checkpoint | None,
    keys: dict[str, Ed25519PublicKey],
    stored: list[StatementFile] | None,
) -> _Statements:
    """The account's statements, checked; `stored` None leaves storage out."""
    found = _Statements()
    with scope(account=account_id):
        rows = Checkpoint.objects.filter(account_id=account_id).order_by("seq")
        checkpoints = list(rows if since is None else rows.filter(seq__gte=since.seq))
        anchors = list(RetentionAnchor.objects.filter(account_id=account_id).order_by("month"))
    files = {copy.path: copy for copy in stored or ()}

    previous_signature = b""
    for checkpoint in checkpoints:
        seq, signature = checkpoint.seq, bytes(checkpoint.signature)
        statement = checkpoint_statement(checkpoint)
        path = checkpoint_path(account_id, seq)
        copy = files.pop(path, None)
        linked = bytes(checkpoint.previous_signature) == previous_signature
        previous_signature = signature
        if since is not None and seq < since.seq:
            continue
        if not statement_verify(statement, signature, keys):
            found.problem(
                seq,
                "checkpoint_signature",
                f"the checkpoint at seq {seq} is not signed by a known key (it was edited in the "
                "database, or signed by a key this deployment does not know)",
            )
        elif not linked and since is None:
            found.problem(
                seq,
                "checkpoint_link",
                f"the checkpoint at seq {seq} does not name the signature of the checkpoint "
                "before it (a checkpoint was removed or replaced)",
            )
        else:
            found.checkpoints[seq] = statement["hash"]
        if stored is None:
            continue
        if copy is None:
            found.warnings.append(
                f"the storage copy {path} of the checkpoint at seq {seq} is missing"
            )
        elif copy.statement != statement or copy.signature != signature:
            found.problem(
                seq,
                "checkpoint_file_mismatch",
                f"the checkpoint at seq {seq} differs from its storage copy {path}",
            )

    for anchor in anchors:
        statement = anchor_statement(anchor)
        signature = bytes(anchor.signature)
        path = anchor_path(account_id, statement["month"])
        copy = files.pop(path, None)
        first = min((run[0] for run in anchor.ranges), default=0)
        if not statement_verify(statement, signature, keys):
            found.problem(
                first,
                "checkpoint_signature",
                f"the retention anchor of {statement['month']} is not signed by a known key",
            )
            continue
        for run_first, run_last, prev, last_hash in anchor.ranges:
            found.runs[run_first] = _Run(run_first, run_last, prev, last_hash, statement["month"])
        if stored is None:
            continue
        if copy is None:
            found.warnings.append(f"the storage copy {path} of a retention anchor is missing")
        elif copy.statement != statement or copy.signature != signature:
            found.problem(
                first,
                "checkpoint_file_mismatch",
                f"the retention anchor of {statement['month']} differs from its storage copy "
                f"{path}",
            )

    for copy in files.values():  # in storage only
        _orphan_read(copy, account_id=account_id, since=since, keys=keys, found=found)
    return found


def _orphan_read(
    copy: StatementFile,
    *,
    account_id: int,
    since: Checkpoint | None,
    keys: dict[str, Ed25519PublicKey],
    found: _Statements,
) -> None:
    """A statement file the database has no row for: unreadable, forged, or the survivor of a
    statement deleted from the database (which then still binds the chain)."""
    stem = copy.path.rsplit("/", 1)[-1].removesuffix(".json")
    seq = int(stem) if stem.isdigit() else 0
    statement = copy.statement
    if statement is None or statement.get("account_id") != account_id:
        found.problem(
            seq,
            "statement_file_unreadable",
            f"{copy.path} is not a signed statement of this account "
            f"({copy.problem or 'it names another account'})",
        )
        return
    if not statement_verify(statement, copy.signature, keys):
        found.problem(seq, "checkpoint_signature", f"{copy.path} is not signed by a known key")
        return
    if statement.get("type") == CHECKPOINT and isinstance(statement.get("seq"), int):
        seq = statement["seq"]
        if since is not None and seq < since.seq:
            return
        found.checkpoints[seq] = str(statement.get("hash"))
        found.problem(
            seq,
            "checkpoint_missing",
            f"storage holds a signed checkpoint at seq {seq} ({copy.path}) that the database "
            "lacks (it was deleted there)",
        )
    elif statement.get("type") == RETENTION_ANCHOR:
        for run_first, run_last, prev, last_hash in statement.get("ranges", []):
            found.runs.setdefault(
                run_first, _Run(run_first, run_last, prev, last_hash, str(statement["month"]))
            )
        found.warnings.append(f"{copy.path}: a retention anchor that only storage holds")


def _head(account_id: int) -> tuple[int, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_seq, last_hash FROM auditlog_chainhead WHERE account_id = %s",
            [account_id],
        )
        row = cursor.fetchone()
    return (row[0], bytes(row[1]).hex()) if row else (NO_HEAD, None)


@contextlib.contextmanager
def _rows(account_id: int, after_seq: int, through_seq: int) -> Iterator[Iterator[tuple]]:
    """The account's events after `after_seq` through `through_seq`, in seq order. Leaving early
    cancels the stream (psycopg does), inside a savepoint: the cancelled statement must not
    abort the caller's transaction."""
    sql = (
        f"SELECT {rows_select()} FROM auditlog_event e WHERE e.account_id = {int(account_id)}"
        f" AND e.seq > {int(after_seq)} AND e.seq <= {int(through_seq)} ORDER BY e.seq"
    )
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy,
    ):
        copy.set_types(list(ROW_TYPES))
        yield copy.rows()


class _Walk:
    """One walk along an account's chain; `_Broken` at the first broken or missing link."""

    def __init__(
        self,
        *,
        account_id: int,
        found: _Statements,
        result: VerificationResult,
        on_progress: Callable[[int], None] | None = None,
    ):
        self.account_id = account_id
        self.on_progress = on_progress
        self.found = found
        self.result = result
        self.marks = sorted({*found.checkpoints, *found.problems})  # seqs to stop at
        self.mark_index = 0

    def next_mark(self) -> int:
        return self.marks[self.mark_index] if self.mark_index < len(self.marks) else NO_HEAD

    def reach(self, seq: int, hash_hex: str | None) -> None:
        """Pass the statements at or before `seq`; the chain's hash at `seq` is `hash_hex`."""
        found = self.found
        while self.mark_index < len(self.marks) and self.marks[self.mark_index] <= seq:
            mark = self.marks[self.mark_index]
            self.mark_index += 1
            if mark in found.problems:
                raise _Broken(found.problems[mark])
            if mark == seq and hash_hex is not None:
                if found.checkpoints[mark] != hash_hex:
                    _fail(
                        seq,
                        "checkpoint_mismatch",
                        f"the chain's hash at seq {seq} differs from the signed checkpoint "
                        "(the chain was rewritten)",
                    )
                self.result.checkpoint_seq = seq

    def dropped(
        self, expected: int, seq: int, prev: str, next_event: int | None
    ) -> tuple[int, str]:
        """Seqs from `expected` up to `seq` have no event: retention anchors must hold them."""
        while expected < seq:
            run = self.found.runs.get(expected)
            if run is None:
                following = (
                    f"; the next event is seq {seq} (event {next_event})" if next_event else ""
                )
                _fail(
                    expected,
                    "seq_missing",
                    f"seq {expected} is missing: no event and no retention anchor holds it"
                    f"{following}",
                )
            if run.prev != prev:
                _fail(
                    expected,
                    "anchor_mismatch",
                    f"the retention anchor of {run.month} (seqs {run.first} to {run.last}) does "
                    f"not follow the chain's hash at seq {expected - 1}",
                )
            self.reach(run.last, run.last_hash)
            expected, prev = run.last + 1, run.last_hash
            self.result.through_seq, self.result.through_hash = run.last, prev
        return expected, prev

    def run(self, *, after_seq: int, prev: str, head_seq: int, head_hash: str | None) -> None:
        result = self.result
        expected = after_seq + 1
        next_mark = self.next_mark()
        canonical_metadata: dict[str, str] = {}  # metadata repeats a lot: canonicalise it once
        sha256 = hashlib.sha256
        on_progress = self.on_progress
        with _rows(self.account_id, after_seq, head_seq) as rows:
            for seq, event_id, stored, metadata, values in rows:
                if seq != expected:
                    if seq < expected:
                        _fail(
                            seq,
                            "seq_duplicate",
                            f"seq {seq} occurs more than once (event {event_id} is another "
                            "event with it)",
                            event_id,
                        )
                    expected, prev = self.dropped(expected, seq, prev, event_id)
                    if seq < expected:
                        _fail(
                            seq,
                            "anchor_overlap",
                            f"event {event_id} has seq {seq}, which a retention anchor says was "
                            "dropped",
                            event_id,
                        )
                    next_mark = self.next_mark()
                canonical = canonical_metadata.get(metadata)
                if canonical is None:
                    if len(canonical_metadata) > 65536:
                        canonical_metadata.clear()
                    canonical = canonical_metadata[metadata] = metadata_canonical(metadata)
                # row_canonical, inlined: this loop is the verification's whole cost.
                split = values[2:-2].split('","')
                split[METADATA_INDEX] = canonical
                text = (TEMPLATE if split[IP_INDEX] else TEMPLATE_WITHOUT_IP) % tuple(split)
                if sha256(f"{prev}\n{text}".encode()).digest() != stored:
                    _fail(
                        seq,
                        "hash_mismatch",
                        f"event {event_id} at seq {seq}: its stored hash does not match its "
                        "fields and the previous hash (it was edited, forged or moved)",
                        event_id,
                    )
                prev = stored.hex()
                if seq >= next_mark:
                    self.reach(seq, prev)
                    next_mark = self.next_mark()
                expected = seq + 1
                result.events_checked += 1
                result.through_seq, result.through_hash = seq, prev
                if on_progress is not None and not result.events_checked % PROGRESS_EVERY:
                    on_progress(result.events_checked)
        if head_hash is None and expected > 1:
            _fail(
                expected - 1,
                "head_mismatch",
                "the account has events but its chain head is missing (it was deleted)",
            )
        self.tail(expected, prev, 0 if head_hash is None else head_seq)
        self.reach(NO_HEAD, None)  # problems of statements past the last event
        if head_hash not in (None, result.through_hash) and head_seq == result.through_seq:
            _fail(
                head_seq,
                "head_mismatch",
                f"the chain head's hash differs from the hash of the last event, seq {head_seq}",
            )

    def tail(self, expected: int, prev: str, head_seq: int) -> None:
        """After the last event: runs retention dropped, then nothing more may be owed."""
        while expected in self.found.runs:
            expected, prev = self.dropped(expected, self.found.runs[expected].last + 1, prev, None)
        last = expected - 1
        owed = max([head_seq, *self.found.checkpoints])
        if owed > last:
            by = "the chain head" if head_seq > last else "a signed checkpoint"
            _fail(
                expected,
                "tail_missing",
                f"the chain ends at seq {last}, but {by} reaches seq {owed}: seqs {expected} to "
                f"{owed} are missing",
            )


def chain_verify(
    *,
    account_id: int,
    since: Checkpoint | None = None,
    record: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> VerificationResult:
    """Verify the account's chain from its start (or from a signed checkpoint) to its head, name
    the first broken or missing link, and keep the outcome as its Verification unless told not.
    `on_progress` hears the number of events checked so far, every PROGRESS_EVERY events."""
    result = VerificationResult(account_id=account_id, started_at=timezone.now())
    # Storage first: a file is written after its checkpoint commits, so every file listed now
    # has its row in what the database reads next. From a checkpoint on (the checkpoint task's
    # check of what it is about to sign) storage is left to the full verifications.
    stored = None if since is not None else statement_files(account_id)
    if connection.in_atomic_block:
        _verify(result, since=since, stored=stored, on_progress=on_progress)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            _verify(result, since=since, stored=stored, on_progress=on_progress)
    result.finished_at = timezone.now()
    if record:
        verification_record(result)
    return result


def _verify(
    result: VerificationResult,
    *,
    since: Checkpoint | None,
    stored: list[StatementFile] | None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    account_id = result.account_id
    keys = verification_keys()
    found = _statements_read(account_id=account_id, since=since, keys=keys, stored=stored)
    head_seq, head_hash = _head(account_id)
    after_seq, prev = 0, GENESIS
    if since is not None:
        after_seq, prev = since.seq, bytes(since.hash).hex()
        result.through_seq, result.through_hash = after_seq, prev
        if not statement_verify(checkpoint_statement(since), bytes(since.signature), keys):
            found.problem(
                since.seq,
                "checkpoint_signature",
                f"the checkpoint at seq {since.seq} is not signed by a known key",
            )
    result.warnings = found.warnings
    try:
        _Walk(account_id=account_id, found=found, result=result, on_progress=on_progress).run(
            after_seq=after_seq, prev=prev, head_seq=head_seq, head_hash=head_hash
        )
    except _Broken as broken:
        result.failure = broken.failure


def verification_record(result: VerificationResult) -> Verification:
    """Keep a verification's outcome as the account's latest (what the console shows)."""
    failure = result.failure
    with scope(account=result.account_id):
        verification, _ = Verification.objects.update_or_create(
            account_id=result.account_id,
            defaults={
                "status": result.status,
                "started_at": result.started_at,
                "checked_at": result.finished_at or timezone.now(),
                "events_checked": result.events_checked,
                "through_seq": result.through_seq,
                "checkpoint_seq": result.checkpoint_seq,
                "failure_seq": failure.seq if failure else None,
                "failure_event_id": failure.event_id if failure else None,
                "failure_check": failure.check if failure else "",
                "failure_detail": failure.detail if failure else "",
                "warnings": result.warnings,
            },
        )
    if failure:
        logger.error(
            "account %s: chain broken at seq %s (%s): %s",
            result.account_id,
            failure.seq,
            failure.check,
            failure.detail,
        )
    return verification
