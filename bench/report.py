"""The results as a table on the terminal and a section of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.measure import Cell, Target, Timing

P50_TARGET = 20.0
P95_TARGET = 60.0
QUERY_TARGET = 5
ADMIN_RATIO_TARGET = 20.0
OFFSET_RATIO_TARGET = 100.0
TARGET_EVENTS = 10_000_000


@dataclass
class BaselineCell:
    kind: str  # "admin" / "offset"
    filter: str
    depth: str
    page: int
    url: str
    target: Target | None = None

    @property
    def timing(self) -> Timing | None:
        return self.target.timing if self.target else None


def machine() -> dict[str, str]:
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_kib = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                ram_kib = int(line.split()[1])
                break
    return {
        "nproc": str(os.cpu_count()),
        "ram": f"{ram_kib / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _cell_text(timing: Timing | None) -> str:
    if timing is None:
        return "—"
    return f"{_ms(timing.p50)} / {_ms(timing.p95)} · {timing.queries}q · {_ms(timing.db_ms)}"


def _ratio(ours: Timing | None, theirs: Timing | None) -> float | None:
    if ours is None or theirs is None or ours.p95 <= 0:
        return None
    return theirs.p95 / ours.p95


def _find(cells: list[Cell], account: str, filter_: str, depth: str) -> Cell | None:
    for cell in cells:
        if (cell.account, cell.filter, cell.depth) == (account, filter_, depth):
            return cell
    return None


def _rows_table(cells: list[Cell], notes: dict[str, dict[str, str]]) -> list[str]:
    lines = [
        "| account | filter | rows | page 1 | page 50 | deep page | deep |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    keys = []
    for cell in cells:
        if (cell.account, cell.filter) not in keys:
            keys.append((cell.account, cell.filter))
    for account, filter_ in keys:
        first = _find(cells, account, filter_, "1")
        p50 = _find(cells, account, filter_, "50")
        deep = _find(cells, account, filter_, "deep")
        note = notes.get(account, {}).get(filter_, "")
        p50_text = _cell_text(p50.timing) if p50 else "—"
        if p50 and p50.page != 50:
            p50_text += f" (p.{p50.page}, last)"
        deep_label = f"p.{deep.page:,} of {deep.pages:,}" if deep else "—"
        lines.append(
            f"| {account} | {filter_}<br><small>{note}</small> | {first.rows:,} | "
            f"{_cell_text(first.timing)} | {p50_text} | {deep_label} | "
            f"{_cell_text(deep.timing) if deep else '—'} |"
        )
    return lines


def _baseline_table(cells: list[Cell], baselines: list[BaselineCell], account: str) -> list[str]:
    lines = [
        "| filter | page | ours p50 / p95 | admin p50 / p95 · q (n) | ours vs admin (p95) "
        "| OFFSET p50 / p95 · q (n) | ours vs OFFSET (p95) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    keys = []
    for b in baselines:
        if (b.filter, b.depth) not in keys:
            keys.append((b.filter, b.depth))
    for filter_, depth in keys:
        ours = _find(cells, account, filter_, depth)
        admin = next(
            (b for b in baselines if (b.kind, b.filter, b.depth) == ("admin", filter_, depth)), None
        )
        offset = next(
            (b for b in baselines if (b.kind, b.filter, b.depth) == ("offset", filter_, depth)),
            None,
        )

        admin_text, admin_ratio = _side(ours, admin)
        offset_text, offset_ratio = _side(ours, offset)
        ours_text = (
            f"{_ms(ours.timing.p50)} / {_ms(ours.timing.p95)}" if ours and ours.timing else "—"
        )
        page = ours.page if ours else (admin or offset).page
        lines.append(
            f"| {filter_} | {page:,} | {ours_text} | {admin_text} | {admin_ratio} | "
            f"{offset_text} | {offset_ratio} |"
        )
    return lines


def _side(ours: Cell | None, b: BaselineCell | None) -> tuple[str, str]:
    if b is None or b.timing is None:
        return "—", "—"
    ratio = _ratio(ours.timing if ours else None, b.timing)
    text = f"{_cell_text(b.timing)} ({b.timing.n})"
    return text, _times(ratio)


def _times(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def targets(
    cells: list[Cell], baselines: list[BaselineCell], big: str
) -> list[tuple[str, str, bool]]:
    """(target, what was measured, met) for each target of the issue."""
    timed = [c for c in cells if c.timing is not None]
    worst_p50 = max(timed, key=lambda c: c.timing.p50)
    worst_p95 = max(timed, key=lambda c: c.timing.p95)
    worst_q = max(timed, key=lambda c: c.timing.queries)
    slow50 = [c for c in timed if c.timing.p50 > P50_TARGET]
    slow95 = [c for c in timed if c.timing.p95 > P95_TARGET]
    many_q = [c for c in timed if c.timing.queries > QUERY_TARGET]

    def where(c: Cell) -> str:
        return f"{c.account} / {c.filter} / page {c.page:,}"

    result = [
        (
            f"every cell p50 ≤ {P50_TARGET:.0f} ms",
            f"worst {worst_p50.timing.p50:.1f} ms ({where(worst_p50)}); "
            f"{len(slow50)} of {len(timed)} cells over",
            not slow50,
        ),
        (
            f"every cell p95 ≤ {P95_TARGET:.0f} ms",
            f"worst {worst_p95.timing.p95:.1f} ms ({where(worst_p95)}); "
            f"{len(slow95)} of {len(timed)} cells over",
            not slow95,
        ),
        (
            f"≤ {QUERY_TARGET} SQL queries per page",
            f"max {worst_q.timing.queries} ({where(worst_q)}); "
            f"{len(many_q)} of {len(timed)} cells over",
            not many_q,
        ),
    ]
    for kind, label, target, depths in (
        ("admin", "admin changelist", ADMIN_RATIO_TARGET, ("1", "50", "deep")),
        ("offset", "OFFSET ListView at the deep page", OFFSET_RATIO_TARGET, ("deep",)),
    ):
        ratios = []
        for b in baselines:
            if b.kind != kind or b.depth not in depths or b.timing is None:
                continue
            ours = _find(cells, big, b.filter, b.depth)
            ratio = _ratio(ours.timing if ours else None, b.timing)
            if ratio is not None:
                ratios.append((ratio, b))
        if not ratios:
            continue
        low, low_cell = min(ratios, key=lambda r: r[0])
        result.append(
            (
                f"p95 ≥ {target:.0f}x better than the {label}",
                f"lowest {_times(low)} ({low_cell.filter}, page {low_cell.page:,}); "
                f"{sum(r < target for r, _ in ratios)} of {len(ratios)} cells under",
                low >= target,
            )
        )
    return result


def section(
    *,
    meta: dict[str, Any],
    info: dict[str, Any],
    cells: list[Cell],
    baselines: list[BaselineCell],
    notes: dict[str, dict[str, str]],
    options: dict[str, Any],
) -> str:
    events = meta["events"]
    big = "big"
    m = info["machine"]
    lines = [
        f"## {events:,} events — {info['date']}",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM; load average at start "
        f"{info['load_start']}, at end {m['load']}. Python {m['python']}, Django "
        f"{info['django']}.",
        f"- PostgreSQL: {info['postgres']}; {info['pg_settings']}.",
        f"- Data set: {events:,} events over {meta['accounts']:,} accounts ({meta['users']:,} "
        f"users, {meta['teams']:,} teams), {info['days']} days ending {meta['anchor'][:16]} UTC; "
        f"big account {info['big_events']:,} events "
        f"({info['big_users']} users), smallest account {info['small_events']:,} events; "
        f"event table {info['table_size']} with indexes. Loaded by COPY in "
        f"{meta['load_seconds']:,.0f} s ({events / max(meta['load_seconds'], 1):,.0f} rows/s) "
        f"+ VACUUM ANALYZE {meta['vacuum_seconds']:,.0f} s"
        + (" (this run reused it)." if info["reused"] else "."),
        f"- Method: Django's test client (middleware, tenancy, templates), signed in as a super "
        f"admin of the account, one client (session) per URL. Each URL is warmed up "
        f"{options['warmups']}x (the first request records the page's self-audit event), its SQL "
        f"counted over {options['query_samples']} requests (max). Then all URLs, the baselines' "
        f"too, are timed in 20 interleaved rounds, each URL doing a twentieth of its requests "
        f"per round ({options['requests']} for the page), so load from elsewhere on the machine "
        f"falls on all of them alike. Cells read `p50 / p95 · queries · SQL`: server "
        f"time in ms, the most SQL queries of one request, and the median ms one request spent "
        f"in SQL. The clock is set to the data set's end for the measurement, so a reused data "
        f"set shows the same windows. Page 50 is opened with the `after` cursor found by "
        f"following the Older links from page 1; the deep page is "
        + (
            f"page {options['deep_page']:,} (or the filter's last page)"
            if options["deep_page"]
            else "the filter's last page"
        )
        + ", its cursor found with one OFFSET query and checked against the walk.",
        "",
        "### Audit Logs page",
        "",
        *_rows_table(cells, notes),
        "",
    ]
    if baselines:
        lines += [
            "### Baselines on the same data (big account)",
            "",
            "Admin = Django's admin changelist over the same table (unmanaged model, "
            "`list_filter` on account, category, action, actor type and date, default "
            "paginator with `list_per_page = 50`, `show_full_result_count` left on). "
            "OFFSET = a `ListView` with `paginate_by = 50` (Django's `Paginator`, which "
            "counts). Both get the same account and filters, including the 30-day window. "
            f"A baseline URL gets as many requests as fit in about "
            f"{options['baseline_budget']:.0f} s by its warm-up time (at least "
            f"{options['baseline_min']}, at most {options['requests']}); n is in brackets.",
            "",
            *_baseline_table(cells, baselines, big),
            "",
        ]
    lines += ["### Targets", ""]
    if events < TARGET_EVENTS:
        lines += [
            f"The targets are set for {TARGET_EVENTS:,} events; at {events:,} they are indicative.",
            "",
        ]
    lines += ["| target | measured | met |", "|---|---|---|"]
    for target, measured, met in targets(cells, baselines, big):
        lines.append(f"| {target} | {measured} | {'met' if met else '**missed**'} |")
    lines.append("")
    return "\n".join(lines)


HEADER = """# Benchmarks

`make bench` (`python -m bench.run`, options: `--help`) builds a data set in its own database
(`auditdesk_bench_1m`, `auditdesk_bench_10m`, … on the project's PostgreSQL server), reuses it on
later runs, and times the
Audit Logs page against naive baselines on the same data in the same run. One section per
data-set size; a new run replaces the section of its size.
"""


def write(path: Path, events: int, text: str) -> None:
    """Replace this size's section of the file, keeping the others."""
    start, end = f"<!-- bench:{events}:start -->", f"<!-- bench:{events}:end -->"
    block = f"{start}\n{text}\n{end}"
    current = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _m: block, current)
    else:
        sections = re.findall(r"<!-- bench:(\d+):start -->", current)
        # Keep sections ordered by size.
        later = [int(s) for s in sections if int(s) > events]
        if later:
            anchor = f"<!-- bench:{min(later)}:start -->"
            current = current.replace(anchor, f"{block}\n\n{anchor}")
        else:
            current = current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current)
