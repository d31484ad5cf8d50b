"""Signed statements about an account's chain, and their copies in storage.

A checkpoint says "account A's chain reached seq N with hash H at time T, after the checkpoint
signed S"; a retention anchor says "retention dropped month M of account A, which held these
runs of seqs, each after hash P and ending with hash H". Both are kept in the database and, as
JSON files, in the export storage (Django's default storage) under `checkpoints/<account>/`,
out of reach of someone who can only rewrite the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from auditlog.integrity.canonical import rfc3339
from auditlog.models import Checkpoint, RetentionAnchor

logger = logging.getLogger(__name__)

CHECKPOINT = "auditdesk.checkpoint"
RETENTION_ANCHOR = "auditdesk.retention-anchor"
VERSION = 1
FOLDER = "checkpoints"


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def checkpoint_statement(checkpoint: Checkpoint) -> dict[str, Any]:
    """What a checkpoint's signature covers."""
    previous = bytes(checkpoint.previous_signature)
    return {
        "type": CHECKPOINT,
        "version": VERSION,
        "account_id": checkpoint.account_id,
        "seq": checkpoint.seq,
        "hash": bytes(checkpoint.hash).hex(),
        "signed_at": rfc3339(checkpoint.signed_at),
        "previous_signature": b64(previous) if previous else None,
        "key_id": checkpoint.key_id,
    }


def anchor_statement(anchor: RetentionAnchor) -> dict[str, Any]:
    """What a retention anchor's signature covers."""
    return {
        "type": RETENTION_ANCHOR,
        "version": VERSION,
        "account_id": anchor.account_id,
        "month": f"{anchor.month:%Y-%m}",
        "ranges": [list(run) for run in anchor.ranges],
        "events": anchor.events,
        "dropped_at": rfc3339(anchor.dropped_at),
        "key_id": anchor.key_id,
    }


def checkpoint_path(account_id: int, seq: int) -> str:
    return f"{FOLDER}/{account_id}/{seq}.json"


def anchor_path(account_id: int, month_text: str) -> str:
    return f"{FOLDER}/{account_id}/retention-{month_text}.json"


def statement_file_content(statement: dict[str, Any], signature: bytes) -> bytes:
    """A statement file: the statement and its signature (base64), readable by a person."""
    document = {"statement": statement, "signature": b64(signature)}
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def statement_file_write(path: str, statement: dict[str, Any], signature: bytes) -> bool:
    """Store a statement's copy; a different file already at that path is evidence and is left
    as it is (False)."""
    content = statement_file_content(statement, signature)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as existing:
            if existing.read() == content:
                return True
        logger.error("storage already holds a different %s; left as it is", path)
        return False
    saved = default_storage.save(path, ContentFile(content))
    if saved != path:  # another writer got there first; ours is a duplicate
        default_storage.delete(saved)
    return True


@dataclass(frozen=True)
class StatementFile:
    """A statement file read back from storage; `problem` says why it could not be read."""

    path: str
    statement: dict[str, Any] | None
    signature: bytes
    problem: str = ""


def statement_files(account_id: int) -> list[StatementFile]:
    """Every statement file storage holds for the account (a missing folder holds none)."""
    folder = f"{FOLDER}/{account_id}"
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    files = []
    for name in sorted(names):
        if not name.endswith(".json"):
            continue
        path = f"{folder}/{name}"
        try:
            with default_storage.open(path, "rb") as handle:
                document = json.loads(handle.read())
            statement = document["statement"]
            signature = base64.b64decode(document["signature"], validate=True)
            if not isinstance(statement, dict):
                raise ValueError("the statement is not an object")
        except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
            files.append(StatementFile(path, None, b"", problem=f"unreadable ({exc})"))
            continue
        files.append(StatementFile(path, statement, signature))
    return files
