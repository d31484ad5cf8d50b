"""`make run`: services, migrations, demo data, then web + worker + beat under one supervisor.

PostgreSQL and Redis are embedded (data under .data/) unless DATABASE_URL / REDIS_URL are set.
Ctrl-C stops the three processes and the embedded servers; the next run starts on the same data.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DEMO_LOGINS = """\
  Northwind Traders (Enterprise)  ada@northwind.example    super admin
                                  grace@northwind.example  admin with audit-log access
                                  linus@northwind.example  member without audit-log access
  Globex (Professional)           hank@globex.example      super admin
                                  marge@globex.example     member
  Initech (Starter)               peter@initech.example    super admin
  Password for all: auditdesk-demo"""


def development_defaults(port: int) -> dict[str, str]:
    """What `make run` sets unless the environment does: development (templates and static files
    re-read on change, the product's own error pages; DEBUG=1 for Django's), the demo data, and
    links in emails and notifications that point at this port."""
    return {
        "DEVELOPMENT": "true",
        "DEMO_ENABLED": "true",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--seed-events",
        type=int,
        default=int(os.environ.get("SEED_EVENTS", 200_000)),
        help="events to generate the first time the demo data is seeded",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for key, value in development_defaults(args.port).items():
        if not os.environ.get(key):
            os.environ[key] = value
    embedded_db = not os.environ.get("DATABASE_URL")
    embedded_redis = not os.environ.get("REDIS_URL")

    from config import embedded

    try:
        env = dict(os.environ)
        if embedded_db:
            print("Starting embedded PostgreSQL (data in .data/postgres)…", flush=True)
            env["DATABASE_URL"] = embedded.postgres_url()
        if embedded_redis:
            print("Starting embedded Redis (data in .data/redis)…", flush=True)
            env["REDIS_URL"] = embedded.redis_url()

        print("Applying migrations…", flush=True)
        _manage("migrate", "--no-input", "-v", "0", env=env)
        _manage("compile_translations", env=env)
        _manage("seed_demo", "--events", str(args.seed_events), "--if-empty", env=env)

        url = f"http://127.0.0.1:{args.port}"
        print(f"\nAuditdesk is running at {url}\n\nDemo sign-ins:\n{DEMO_LOGINS}\n", flush=True)
        print(
            "Mail goes to .data/mail/ (one file per message). Press Ctrl-C to stop.\n", flush=True
        )
        return _supervise(env, args.port)
    finally:
        if embedded_db or embedded_redis:
            print("Stopping embedded services…", flush=True)
            embedded.stop_all()


def _supervise(env: dict[str, str], port: int) -> int:
    from honcho.manager import Manager

    python = sys.executable
    bindir = str(Path(python).parent)
    manager = Manager()
    manager.add_process(
        "web",
        f"{bindir}/gunicorn config.wsgi -b 127.0.0.1:{port} -w 3 --timeout 120 "
        "--access-logfile - --graceful-timeout 5",
        env=env,
        cwd=str(BASE_DIR),
    )
    manager.add_process(
        "worker",
        f"{bindir}/celery -A config worker -l info --concurrency 2 -Q celery",
        env=env,
        cwd=str(BASE_DIR),
    )
    data_dir = Path(env.get("AUDITDESK_DATA_DIR", BASE_DIR / ".data"))
    manager.add_process(
        "beat",
        f"{bindir}/celery -A config beat -l info -s {data_dir / 'celerybeat-schedule'}",
        env=env,
        cwd=str(BASE_DIR),
    )
    # honcho turns SIGINT/SIGTERM into a clean stop of every process.
    signal.signal(signal.SIGHUP, signal.default_int_handler)
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
