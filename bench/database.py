"""The benchmark's own database on the project's PostgreSQL server (dev data stays untouched)."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

META_TABLE = "bench_dataset"


def server_url() -> str:
    """The project's database URL: DATABASE_URL, else the embedded server (started if needed)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    from config import embedded

    return embedded.postgres_url()


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _connect(url: str) -> psycopg.Connection:
    # psycopg understands postgresql:// URLs, including ?host=/socket/dir.
    return psycopg.connect(url, autocommit=True)


def exists(url: str) -> bool:
    with _connect(with_database(url, "postgres")) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]
        ).fetchone()
    return row is not None


def recreate(url: str) -> None:
    """Drop (if present) and create the benchmark database."""
    name = database_name(url)
    if name in {"", "postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to recreate database {name!r}")
    with _connect(with_database(url, "postgres")) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def read_meta(url: str) -> dict[str, Any] | None:
    """The description of the data set stored with it, or None when there is none (or partial)."""
    if not exists(url):
        return None
    with _connect(url) as conn:
        if conn.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()[0] is None:
            return None
        row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'meta'").fetchone()
    return row[0] if row else None


def write_meta(url: str, meta: dict[str, Any]) -> None:
    """Written last, so an interrupted build is never mistaken for a complete one."""
    with _connect(url) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value jsonb)")
        conn.execute(
            f"INSERT INTO {META_TABLE} (key, value) VALUES ('meta', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta)],
        )
