"""CSV writers: the export's SELECT built with the ORM, streamed out of PostgreSQL with COPY.

PostgreSQL does the per-row work (labels, time zone, neutralising formula cells, CSV quoting) and
psycopg 3 hands over one CopyData message per row, so a worker's memory stays flat whatever the
export's size and Python touches each row only to count it and write its bytes.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.models import Case, Expression, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from accounts.models import Department
from auditlog import catalog
from auditlog.models import ActorType, Event

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

# OWASP's CSV-injection rule: a cell starting with one of these is prefixed with a single quote,
# so a spreadsheet shows it as text instead of running it as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
ROW_BUFFER_BYTES = 1 << 20


def neutralise(text: str) -> str:
    """The Python twin of `Neutralised` (for cells Python writes, such as the header)."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


class Neutralised(Func):
    """`'` + the text when it starts with a formula trigger, else the text (NULL stays NULL)."""

    output_field = TextField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[str | int]]:
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(FORMULA_TRIGGERS))
        return (
            f"(CASE WHEN left({sql}, 1) IN ({marks}) THEN '''' || {sql} ELSE {sql} END)",
            [*params, *FORMULA_TRIGGERS, *params, *params],
        )


class Label(Func):
    """The translated label of a stored code, looked up in a JSON object of code → label; a code
    the mapping does not know shows as itself. Several expressions form a `a/b` key."""

    output_field = TextField()

    def __init__(self, *expressions: Combinable, labels: dict[str, str]) -> None:
        super().__init__(*expressions)
        self.labels = labels

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[str | int]]:
        parts: list[str] = []
        params: list[str | int] = []
        for expression in self.source_expressions:
            sql, part_params = compiler.compile(expression)
            parts.append(sql)
            params += part_params
        key = " || '/' || ".join(parts)
        return (
            f"COALESCE(%s::jsonb ->> ({key}), ({key}))",
            [json.dumps(self.labels), *params, *params],
        )


def _iso_time() -> Func:
    # to_char renders in the session's time zone, which the writer sets to the job's.
    return Func(
        F("occurred_at"),
        Value('YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
        function="to_char",
        output_field=TextField(),
    )


def _location() -> Expression:
    # "city, region, country", skipping what is unknown. Each part is neutralised on its own, so
    # the expression is evaluated once per row and whichever part comes first is safe.
    parts = [
        Neutralised(Func(F(name), Value(""), function="NULLIF", output_field=TextField()))
        for name in ("city", "region", "country")
    ]
    return Func(Value(", "), *parts, function="concat_ws", output_field=TextField())


def _absolute_url() -> Expression:
    # Paths recorded by the console are relative; a link in a file must work on its own. The
    # site URL starts with its scheme, so only a URL kept as recorded needs neutralising.
    return Case(
        When(
            Q(url__startswith="/") & ~Q(url__startswith="//"),
            then=Concat(Value(settings.SITE_URL), F("url"), output_field=TextField()),
        ),
        default=Neutralised(F("url")),
        output_field=TextField(),
    )


class Teams(Func):
    """The actor's teams when the event was recorded, named as the account's teams are named now
    (sorted, comma-separated). Names come from a JSON object of id → name made once per export,
    neutralised there: a lookup per row instead of a correlated subquery, the usual single team
    without any subquery at all."""

    output_field = TextField()

    def __init__(self, names: dict[int, str]) -> None:
        super().__init__(F("actor_team_ids"))
        self.names = {str(k): neutralise(v) for k, v in names.items()}

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[str | int]]:
        ids, params = compiler.compile(self.source_expressions[0])
        names = json.dumps(self.names)
        return (
            f"(CASE cardinality({ids}) WHEN 0 THEN NULL "
            f"WHEN 1 THEN %s::jsonb ->> ({ids})[1]::text "
            f"ELSE (SELECT string_agg(n, ', ' ORDER BY n) FROM "
            f"(SELECT %s::jsonb ->> t::text AS n FROM unnest({ids}) AS t) AS names) END)",
            [*params, names, *params, names, *params],
        )


def _ip() -> Func:
    return Func(F("ip_address"), function="host", output_field=TextField())


def _category_labels() -> dict[str, str]:
    return {c.code: str(c.label) for c in catalog.CATEGORIES}


def _subcategory_labels() -> dict[str, str]:
    return {f"{c.code}/{s.code}": str(s.label) for c in catalog.CATEGORIES for s in c.subcategories}


def _action_labels() -> dict[str, str]:
    return {a.code: str(a.label) for a in catalog.ACTIONS}


@dataclass(frozen=True)
class Column:
    label: str
    expression: Expression | str


def audit_log_columns(*, team_names: dict[int, str] | None = None) -> list[Column]:
    """The audit-log export's columns (labels in the active language): at least the seed's
    time, type of action, user email, object id, approximate location and link."""
    return [
        Column(_("Time"), _iso_time()),
        Column(_("Category"), Label(F("category"), labels=_category_labels())),
        Column(
            _("Subcategory"),
            Label(F("category"), F("subcategory"), labels=_subcategory_labels()),
        ),
        Column(_("Action"), Label(F("action"), labels=_action_labels())),
        Column(_("User email"), Neutralised(F("actor_email"))),
        Column(_("User name"), Neutralised(F("actor_name"))),
        Column(
            _("Actor type"),
            Label(F("actor_type"), labels={k: str(v) for k, v in ActorType.choices}),
        ),
        Column(_("Integration"), Neutralised(F("actor_integration"))),
        Column(_("Teams"), Teams(team_names or {})),
        Column(_("Object type"), Neutralised(F("object_type"))),
        Column(_("Object ID"), Neutralised(F("object_id"))),
        Column(_("Object"), Neutralised(F("object_label"))),
        Column(_("Approximate location"), _location()),
        Column(_("IP address"), _ip()),
        Column(_("Login type"), Neutralised(F("login_type"))),
        Column(_("User agent"), Neutralised(F("user_agent"))),
        Column(_("URL"), _absolute_url()),
        Column(_("Event ID"), "id"),
    ]


def employee_access_columns() -> list[Column]:
    """Employee access history (SPEC S10): login time and the employee's department."""
    return [
        Column(_("Login time"), _iso_time()),
        Column(_("Employee"), Neutralised(F("actor_name"))),
        Column(_("Email"), Neutralised(F("actor_email"))),
        Column(
            _("Department"),
            Label(F("actor_department"), labels={k: str(v) for k, v in Department.choices}),
        ),
        Column(_("IP address"), _ip()),
        Column(_("Approximate location"), _location()),
        Column(_("Login type"), Neutralised(F("login_type"))),
    ]


def select_sql(queryset: QuerySet[Event], columns: Sequence[Column]) -> str:
    """The export's SELECT, newest first, as SQL text with its parameters inlined (for COPY)."""
    annotations = {
        f"c{i}": column.expression
        for i, column in enumerate(columns)
        if not isinstance(column.expression, str)
    }
    names = [
        column.expression if isinstance(column.expression, str) else f"c{i}"
        for i, column in enumerate(columns)
    ]
    rows = queryset.annotate(**annotations).order_by("-occurred_at", "-id").values_list(*names)
    sql, params = rows.query.sql_with_params()
    ops = connection.ops
    assert isinstance(ops, DatabaseOperations)  # PostgreSQL only (settings)
    return ops.compose_sql(sql, params)


def header_bytes(columns: Sequence[Column]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([neutralise(c.label) for c in columns])
    # A byte-order mark, so spreadsheets open the UTF-8 file with the right encoding.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


class Lost(Exception):
    """Another run claimed the job; this one stops writing."""


@dataclass
class Written:
    rows: int
    seconds: float


class BinaryWriter(Protocol):
    """Where a CSV is streamed: a file, or a gzip stream over one."""

    def write(self, data: bytes | bytearray, /) -> int: ...


def copy_csv(
    *,
    sql: str,
    columns: Sequence[Column],
    out: BinaryWriter,
    time_zone: str,
    on_progress: Callable[[int], None],
    progress_every: float | None = None,
    max_rows_per_second: float | None = None,
) -> Written:
    """Stream `COPY (sql) TO STDOUT` as CSV into `out` after a header row; call `on_progress`
    with the rows written so far at most every `progress_every` seconds (it may raise Lost)."""
    if progress_every is None:
        progress_every = settings.EXPORT_PROGRESS_INTERVAL_S
    if max_rows_per_second is None:
        max_rows_per_second = settings.EXPORT_MAX_ROWS_PER_SECOND
    started = time.monotonic()
    out.write(header_bytes(columns))
    rows = 0
    buffer = bytearray()
    next_report = started + progress_every
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), current_setting('jit')")
        previous_zone, previous_jit = cursor.fetchone()
        # JIT compiles this wide SELECT for seconds and wins nothing on a plain stream of rows.
        cursor.execute(
            "SELECT set_config('TimeZone', %s, false), set_config('jit', 'off', false)",
            [time_zone],
        )
        try:
            raw = cursor.cursor  # psycopg 3's cursor under Django's wrapper
            with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for data in copy:
                    buffer += data
                    rows += 1
                    if len(buffer) >= ROW_BUFFER_BYTES:
                        out.write(buffer)
                        buffer.clear()
                    if max_rows_per_second:
                        # Spare a busy database: never read faster than the configured rate.
                        ahead = started + rows / max_rows_per_second - time.monotonic()
                        if ahead > 0:
                            time.sleep(ahead)
                    if time.monotonic() >= next_report:
                        on_progress(rows)
                        next_report = time.monotonic() + progress_every
        finally:
            cursor.execute(
                "SELECT set_config('TimeZone', %s, false), set_config('jit', %s, false)",
                [previous_zone, previous_jit],
            )
    out.write(buffer)
    return Written(rows=rows, seconds=time.monotonic() - started)
