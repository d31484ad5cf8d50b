"""`make bench`: build (or reuse) the data set, time the Audit Logs page and the baselines.

    .venv/bin/python -m bench.run                  # 1,000,000 events
    .venv/bin/python -m bench.run --large          # 10,000,000 events
    .venv/bin/python -m bench.run --events 200000 --rebuild

Each data set lives in its own database (`auditdesk_bench_1m`, `auditdesk_bench_10m`, … on the
server of DATABASE_URL, else on the embedded server), so development data is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE_FILTERS = (
    "no filter",
    "category",
    "category + action",
    "7-day range",
    "whole log",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--events", type=int, help="events in the data set (default 1,000,000)")
    size.add_argument("--large", action="store_true", help="10,000,000 events")
    parser.add_argument("--rebuild", action="store_true", help="regenerate even if reusable")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument(
        "--database",
        help="benchmark database (default auditdesk_bench_<size>, e.g. auditdesk_bench_1m)",
    )
    parser.add_argument(
        "--load-workers", type=int, default=2, help="parallel COPY processes when building"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per cell")
    parser.add_argument(
        "--deep-page",
        type=int,
        default=1000,
        help="the deep page's number, capped at each filter's last page (0: the last page)",
    )
    parser.add_argument(
        "--baseline-budget", type=float, default=20.0, help="seconds per baseline cell"
    )
    parser.add_argument(
        "--baseline-min", type=int, default=20, help="minimum requests per baseline cell"
    )
    parser.add_argument(
        "--baseline-filters",
        default=",".join(DEFAULT_BASELINE_FILTERS),
        help="comma-separated filters measured for the baselines",
    )
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--explain",
        type=float,
        nargs="?",
        const=2.0,
        metavar="MS",
        help="print EXPLAIN ANALYZE of the page's event queries that took ≥ MS (default 2)",
    )
    parser.add_argument(
        "--output", type=Path, default=BASE_DIR / "docs" / "benchmarks.md", help="markdown file"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    return parser.parse_args(argv)


def size_label(events: int) -> str:
    """1m for 1,000,000; 250k for 250,000; the number itself otherwise."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if events % unit == 0:
            return f"{events // unit}{suffix}"
    return str(events)


def log(message: str) -> None:
    print(message, flush=True)


def prepare(args: argparse.Namespace, events: int) -> tuple[dict[str, Any], bool]:
    """Point Django at the benchmark database, building the data set when it is not reusable."""
    from bench import database

    url = database.with_database(database.server_url(), args.database)
    meta = None if args.rebuild else database.read_meta(url)
    from bench import DATASET_VERSION

    reusable = (
        meta is not None
        and meta.get("events") == events
        and meta.get("version") == DATASET_VERSION
        and meta.get("seed") == args.seed
    )
    if not reusable:
        reason = (
            "--rebuild"
            if args.rebuild
            else "no data set yet"
            if meta is None
            else f"it holds {meta.get('events'):,} events (generator v{meta.get('version')}, "
            f"seed {meta.get('seed')})"
        )
        log(f"Building the data set in database {args.database!r} ({reason}).")
        database.recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    # The migration and the loader create partitions; one log line each is noise here.
    logging.getLogger("auditlog.partitions").setLevel(logging.WARNING)
    from django.core.management import call_command

    t0 = time.perf_counter()
    # Also on a reused data set: migrations added since (an index, say) apply to it too.
    call_command("migrate", verbosity=0)
    if reusable:
        log(
            f"Reusing the data set in database {args.database!r}: {events:,} events built "
            f"{meta['built_at'][:16]} UTC (--rebuild to regenerate)."
        )
        return meta, True
    log(f"  migrate: {time.perf_counter() - t0:.0f} s")
    from bench import dataset

    meta = dataset.build(events=events, seed=args.seed, url=url, workers=args.load_workers, log=log)
    database.write_meta(url, meta)
    return meta, False


def database_info(meta: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = []
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name} {cursor.fetchone()[0]}")
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) "
            "FROM pg_inherits WHERE inhparent = 'auditlog_event'::regclass"
        )
        size = cursor.fetchone()[0]
        counts = {}
        for key in ("big_account", "smallest_account"):
            cursor.execute("SELECT count(*) FROM auditlog_event WHERE account_id = %s", [meta[key]])
            counts[key] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM accounts_membership WHERE account_id = %s", [meta["big_account"]]
        )
        big_users = cursor.fetchone()[0]
    return {
        "postgres": f"PostgreSQL {version}",
        "pg_settings": ", ".join(settings),
        "table_size": size,
        "big_events": counts["big_account"],
        "small_events": counts["smallest_account"],
        "big_users": big_users,
    }


def measure(args: argparse.Namespace, meta: dict[str, Any]) -> dict[str, Any]:
    from django.test import Client

    from accounts.models import Account, User
    from bench import measure as m
    from bench.report import BaselineCell

    accounts = {
        "big": Account.objects.get(pk=meta["big_account"]),
        "smallest": Account.objects.get(pk=meta["smallest_account"]),
    }
    probes = []
    log("Choosing filters and cursors:")
    for label, account in accounts.items():
        viewer = User.objects.get(pk=meta["viewers"][str(account.pk)])
        probes.append(m.choose_probe(account, label, viewer))
    cells: list[m.Cell] = []
    for probe in probes:
        cells += m.product_cells(probe, deep_page=args.deep_page, log=log)

    def client_for(user: User) -> Client:
        # One client (session) per URL: the self-audit fingerprint is per session, so timed
        # requests never record events however the URLs take turns.
        client = Client()
        client.force_login(user)
        return client

    viewers = {p.label: p.viewer for p in probes}
    targets: dict[tuple[str, str, int], m.Target] = {}
    for cell in cells:
        key = (cell.account, cell.filter, cell.page)
        if key not in targets:  # a filter with fewer pages than a depth repeats a page
            targets[key] = m.Target(
                client=client_for(viewers[cell.account]), url=cell.url, requests=args.requests
            )
        cell.target = targets[key]
    labels = {id(t): f"{a:8} {name:18} p.{page:<6,}" for (a, name, page), t in targets.items()}

    baselines: list[BaselineCell] = []
    if not args.no_baselines:
        big = next(p for p in probes if p.label == "big")
        admin_user = User.objects.get(pk=meta["admin_user"])

        def now_minus(days: int) -> str:
            from django.utils import timezone

            return (timezone.now() - dt.timedelta(days=days)).isoformat()

        wanted = [f.strip() for f in args.baseline_filters.split(",") if f.strip()]
        for name in wanted:
            if name not in big.filters:
                raise SystemExit(f"unknown baseline filter {name!r}; known: {list(big.filters)}")
            pages_done = set()
            for depth in ("1", "50", "deep"):
                ours = next(
                    c for c in cells if (c.account, c.filter, c.depth) == ("big", name, depth)
                )
                if ours.page in pages_done:  # fewer pages than this depth: already measured
                    continue
                pages_done.add(ours.page)
                params = big.filters[name]
                for kind, url, user in (
                    ("admin", m.admin_url(big.account, params, ours.page, now_minus), admin_user),
                    ("offset", m.offset_url(big.account, params, ours.page), big.viewer),
                ):
                    target = m.Target(
                        client=client_for(user),
                        url=url,
                        requests=args.requests,
                        budget_seconds=args.baseline_budget,
                        min_requests=args.baseline_min,
                    )
                    baselines.append(BaselineCell(kind, name, depth, ours.page, url, target))
                    labels[id(target)] = f"{kind:8} {name:18} p.{ours.page:<6,}"

    everything = [*targets.values(), *(b.target for b in baselines)]
    log(
        f"Timing {len(targets)} Audit Logs URLs ({args.requests} requests each) and "
        f"{len(baselines)} baseline URLs (about {args.baseline_budget:.0f} s each, "
        f"{args.baseline_min}-{args.requests} requests), interleaved in 20 rounds:"
    )

    def report(target: m.Target) -> None:
        t = target.timing
        log(
            f"  {labels[id(target)]} p50 {t.p50:7.1f}  p95 {t.p95:7.1f} ms  "
            f"{t.queries} queries (SQL {t.db_ms:.1f} ms, n={t.n})"
        )

    m.time_interleaved(everything, progress=report)
    if args.explain is not None:
        print_plans(cells, args.explain)
    notes = {p.label: p.notes for p in probes}
    return {"cells": cells, "baselines": baselines, "notes": notes}


def print_plans(cells, min_ms: float) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the event-table queries that took at least `min_ms`."""
    from bench import measure as m

    done = set()
    for cell in cells:
        if cell.target is None or id(cell.target) in done:
            continue
        done.add(id(cell.target))
        for query in cell.target.captured:
            sql = query["sql"]
            if "auditlog_event" not in sql or not sql.lstrip().startswith("SELECT"):
                continue
            if float(query["time"]) * 1000 < min_ms:
                continue
            log(f"\n=== {cell.account} / {cell.filter} / page {cell.page}: {cell.url}")
            log(f"--- {float(query['time']) * 1000:.1f} ms: {sql}")
            log(m.explain(sql))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    events = args.events or (10_000_000 if args.large else 1_000_000)
    if events < 10_000:
        raise SystemExit("use at least 10,000 events")
    # One database per size, so the 1M and 10M data sets are both kept for reuse.
    args.database = args.database or f"auditdesk_bench_{size_label(events)}"
    load_start = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    started = time.perf_counter()
    meta, reused = prepare(args, events)

    import django
    from django.conf import settings

    from bench import report

    try:
        import time_machine
    except ImportError:  # a dev dependency; without it a reused data set may have aged
        time_machine = None
        log("time-machine is not installed: measuring with the real clock.")
    anchor = dt.datetime.fromisoformat(meta["anchor"])
    info = database_info(meta)
    if time_machine is not None:
        with time_machine.travel(anchor, tick=False):
            results = measure(args, meta)
    else:
        results = measure(args, meta)

    info.update(
        {
            "machine": report.machine(),
            "load_start": load_start,
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
            "django": django.get_version(),
            "reused": reused,
            "days": (anchor - dt.datetime.fromisoformat(meta["start"])).days,
        }
    )
    options = {
        "warmups": 3,
        "query_samples": 5,
        "requests": args.requests,
        "deep_page": args.deep_page,
        "baseline_budget": args.baseline_budget,
        "baseline_min": args.baseline_min,
    }
    text = report.section(
        meta=meta,
        info=info,
        cells=results["cells"],
        baselines=results["baselines"],
        notes=results["notes"],
        options=options,
    )
    print()
    print(text)
    if not args.no_write:
        report.write(args.output, events, text)
        log(f"Wrote {args.output}.")
    log(f"Done in {time.perf_counter() - started:.0f} s (DEBUG={settings.DEBUG}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
