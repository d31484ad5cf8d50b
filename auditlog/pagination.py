"""Keyset pagination over (occurred_at, id), newest first, and bounded counts.

Any page costs one index range scan of `page size + 1` rows, however deep (no OFFSET); counts stop
at a bound instead of scanning an account's whole history.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

T = TypeVar("T")

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
COUNT_BOUND = 10_000


@dataclass(frozen=True)
class Cursor:
    occurred_at: dt.datetime
    id: int

    def encode(self) -> str:
        micros = int(self.occurred_at.timestamp() * 1_000_000)
        return base64.urlsafe_b64encode(f"{micros}.{self.id}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """A cursor from the URL, or None when it is malformed (the first page is shown)."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            micros, ident = raw.split(".")
            when = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
            return cls(occurred_at=when, id=int(ident))
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError, OSError):
            return None


@dataclass
class Page(Generic[T]):
    items: list[T]
    newer: Cursor | None  # link "Newer" as ?before=<newer>; None on the newest page
    older: Cursor | None  # link "Older" as ?after=<older>; None on the oldest page
    # The cursor pointed past the end (an old link, a tampered one): nothing lies beyond it.
    past_end: bool = False


def _row_compare(op: str, cursor: Cursor) -> RawSQL:
    return RawSQL(
        f'("auditlog_event"."occurred_at", "auditlog_event"."id") {op} (%s, %s)',
        (cursor.occurred_at, cursor.id),
        output_field=BooleanField(),
    )


def keyset_page(
    queryset: QuerySet, *, after: Cursor | None = None, before: Cursor | None = None, size: int
) -> Page:
    """One page, newest first. `after` = older than the cursor; `before` = newer than it."""
    if before is not None:
        rows = list(
            queryset.filter(_row_compare(">", before)).order_by("occurred_at", "id")[: size + 1]
        )
        has_more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        newer = _cursor_of(rows[0]) if rows and has_more_newer else None
        older = _cursor_of(rows[-1]) if rows else None
        return Page(items=rows, newer=newer, older=older, past_end=not rows)
    qs = queryset
    if after is not None:
        qs = qs.filter(_row_compare("<", after))
    rows = list(qs.order_by("-occurred_at", "-id")[: size + 1])
    has_more_older = len(rows) > size
    rows = rows[:size]
    older = _cursor_of(rows[-1]) if rows and has_more_older else None
    newer = _cursor_of(rows[0]) if rows and after is not None else None
    return Page(items=rows, newer=newer, older=older, past_end=after is not None and not rows)


class _Keyed(Protocol):
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def id(self) -> int: ...


def _cursor_of(row: _Keyed) -> Cursor:
    return Cursor(occurred_at=row.occurred_at, id=row.id)


def bounded_count(queryset: QuerySet, *, bound: int = COUNT_BOUND) -> tuple[int, bool]:
    """Exact count up to `bound`; (bound, True) when there are more."""
    n = queryset.order_by().values("id")[: bound + 1].count()
    return (bound, True) if n > bound else (n, False)
