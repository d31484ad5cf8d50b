"""The canonical form of an event row and its link in the account's hash chain.

    hash(n) = SHA-256( hex(hash(n - 1)) + "\\n" + canonical(n) )      hash(0) = "0" * 64

`canonical(n)` is the RFC 8785 (JSON Canonicalization Scheme) text, UTF-8, of one JSON object
holding every stored column of the row except `hash` (FIELDS): timestamps as RFC 3339 UTC
strings with microseconds (`2026-11-30T09:15:02.000417Z`), the IP address as PostgreSQL prints an
`inet` host (`host()`), the team ids as an array of integers, metadata as its JSON object.
docs/integrity.md spells it out field by field for auditors, with a worked example.

Two ways produce the same bytes: `event_canonical` from Python values (the recorder, which knows
them before the insert) and `rows_select` + `row_canonical`, which let PostgreSQL do the string
escaping of a stored row (RFC 8785 escapes exactly what PostgreSQL's JSON output escapes) so
that verification streams rows fast. The tests hold the two to each other and to the `rfc8785`
reference implementation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import rfc8785

GENESIS = "0" * 64  # the "previous hash" of every account's seq 1
MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 numbers are IEEE 754 doubles

# Every stored column of auditlog_event except `hash`, with the JSON type it takes, in RFC 8785
# key order (ASCII names: code-unit order is plain string order). A column added to the
# event table must be added here, with a new version of the form (docs/integrity.md).
KINDS: dict[str, str] = {
    "account_id": "integer",
    "action": "string",
    "actor_department": "string",
    "actor_email": "string",
    "actor_employee_id": "integer or null",
    "actor_integration": "string",
    "actor_name": "string",
    "actor_team_ids": "array of integers",
    "actor_type": "string",
    "actor_user_id": "integer or null",
    "browser": "string",
    "category": "string",
    "city": "string",
    "country": "string",
    "country_code": "string",
    "device": "string",
    "id": "integer",
    "ip_address": "inet or null",
    "login_type": "string",
    "metadata": "object",
    "object_id": "string",
    "object_label": "string",
    "object_type": "string",
    "occurred_at": "timestamp",
    "os": "string",
    "recorded_at": "timestamp",
    "region": "string",
    "seq": "integer",
    "subcategory": "string",
    "url": "string",
    "user_agent": "string",
}
FIELDS: tuple[str, ...] = tuple(sorted(KINDS))

_encode_plain = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def _plain(value: Any) -> bool:
    """True when Python's JSON encoder writes `value` exactly as RFC 8785 does: no floats (their
    digits differ), integers a double holds exactly, keys whose code-point order is their UTF-16
    order (only characters beyond U+FFFF can change it)."""
    # Subclasses too: the catalog's and the models' choices are str and int enums.
    if isinstance(value, str | bool) or value is None:
        return True
    if isinstance(value, int):
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and (key.isascii() or max(key) <= "\uffff") and _plain(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return False


def _as_doubles(value: Any) -> Any:
    """Integers beyond ±(2**53 - 1) as the doubles RFC 8785 (and any JSON parser in a browser)
    reads them; everything else as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        try:
            return float(value)
        except OverflowError as exc:
            raise ValueError(f"{value} is beyond the range of a JSON number") from exc
    if isinstance(value, dict):
        return {key: _as_doubles(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_doubles(item) for item in value]
    return value


def jcs(value: Any) -> str:
    """The RFC 8785 text of a JSON value; ValueError for what JSON cannot hold (NaN, infinity)."""
    if _plain(value):
        return _encode_plain(value)
    try:
        return rfc8785.dumps(_as_doubles(value)).decode()
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(str(exc)) from exc


class _NotPlain(Exception):
    """Raised while parsing a document the plain encoder cannot write exactly."""


def _no_float(text: str) -> float:
    raise _NotPlain


def _safe_int(text: str) -> int:
    value = int(text)
    if len(text) > 15 and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise _NotPlain
    return value


_decode_plain = json.JSONDecoder(parse_float=_no_float, parse_int=_safe_int).decode


def metadata_canonical(text: str) -> str:
    """The RFC 8785 text of a stored metadata document, from its JSON text as PostgreSQL prints
    it (parsed once; floats and huge integers take the exact, slower way)."""
    try:
        value = _decode_plain(text)
    except _NotPlain:
        return jcs(json.loads(text))
    if text.isascii():
        return _encode_plain(value)
    return jcs(value)


def rfc3339(value: dt.datetime) -> str:
    """A moment as the canonical form writes it: UTC, microseconds, `Z`."""
    utc = value.astimezone(dt.UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def event_canonical(values: Mapping[str, Any]) -> str:
    """The canonical form of one event row from its stored values (column name → value)."""
    document: dict[str, Any] = {}
    for name in FIELDS:
        value = values[name]
        kind = KINDS[name]
        if kind == "timestamp":
            value = rfc3339(value)
        elif kind == "inet or null":
            value = None if value is None else str(value)
        elif kind == "array of integers":
            value = [int(item) for item in value]
        document[name] = value
    return jcs(document)


def event_values(event: Any) -> dict[str, Any]:
    """The canonical form's values of a stored `Event` (read back from the database)."""
    return {name: getattr(event, name) for name in FIELDS}


def event_hash(prev_hex: str, canonical: str) -> bytes:
    """The chain link: SHA-256 over the previous hash (lowercase hex), a newline and the row."""
    return hashlib.sha256(f"{prev_hex}\n{canonical}".encode()).digest()


# Streaming stored rows: PostgreSQL writes every value but the metadata as one JSON array of
# strings (escaped exactly as RFC 8785 escapes them), Python splits it and fills the template.
_TIME_FORMAT = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""
_INDEX = {name: index for index, name in enumerate(FIELDS)}
_IP, _METADATA = _INDEX["ip_address"], _INDEX["metadata"]
_UNQUOTED = {"integer", "integer or null", "array of integers", "object"}


def _template(*, ip: bool) -> str:
    """The row with a `%s` per array element; without an IP, its (empty) element prints nothing."""
    slots = []
    for name in FIELDS:
        if name == "ip_address" and not ip:
            slot = "null%.0s"
        else:
            slot = "%s" if KINDS[name] in _UNQUOTED else '"%s"'
        slots.append(f'"{name}":{slot}')
    return "{" + ",".join(slots) + "}"


TEMPLATE, TEMPLATE_WITHOUT_IP = _template(ip=True), _template(ip=False)
IP_INDEX, METADATA_INDEX = _IP, _METADATA


def _element_sql(name: str, alias: str, seq: str) -> str:
    kind = KINDS[name]
    column = f"{alias}.{name}"
    if name == "seq":
        return f"({seq})::text"
    if kind == "integer":
        return f"{column}::text"
    if kind == "integer or null":
        return f"coalesce({column}::text, 'null')"
    if kind == "timestamp":
        return f"to_char({column} AT TIME ZONE 'UTC', {_TIME_FORMAT})"
    if kind == "array of integers":
        return f"array_to_json({column})::text"
    if kind == "inet or null":
        return f"coalesce(host({column}), '')"
    if kind == "object":
        return "''"  # the metadata travels on its own and is canonicalised in Python
    return f"{column}::text"


def rows_select(*, alias: str = "e", seq: str | None = None, extra: Sequence[str] = ()) -> str:
    """The SELECT list that streams stored rows ready to hash: seq, id, hash, the metadata's JSON
    text and the other values as one JSON array (`row_canonical` joins the two), then `extra`.
    `seq` is an SQL expression for rows that have none yet (chaining them)."""
    seq_sql = seq or f"{alias}.seq"
    elements = ", ".join(_element_sql(name, alias, seq_sql) for name in FIELDS)
    columns = [
        seq_sql,
        f"{alias}.id",
        f"{alias}.hash" if seq is None else "NULL::bytea",
        f"{alias}.metadata::text",
        f"array_to_json(ARRAY[{elements}]::text[])::text",
        *extra,
    ]
    return ", ".join(columns)


ROW_TYPES = ("int8", "int8", "bytea", "text", "text")  # rows_select's columns, for COPY BINARY


def row_canonical(values_json: str, metadata: str) -> str:
    """The canonical form of a streamed row: its values array and its canonical metadata.

    The array holds only strings, so `","` occurs in it only between two elements (a quote
    inside a string is always escaped)."""
    values = values_json[2:-2].split('","')
    values[_METADATA] = metadata
    return (TEMPLATE if values[_IP] else TEMPLATE_WITHOUT_IP) % tuple(values)
