"""`make run` on embedded services: starts from nothing, serves, and stops cleanly on Ctrl-C.

Runs `python -m config.devserver` as a user would, with no DATABASE_URL / REDIS_URL and a data
directory of its own, so it initialises and starts its own PostgreSQL and Redis.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 30
DEMO_PASSWORD = "auditdesk-demo"

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("devserver")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(opener: urllib.request.OpenerDirector, url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        response = opener.open(urllib.request.Request(url, data=body), timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    return response.status, response.read().decode(errors="replace")


def pid_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def data_dir():
    # Short: PostgreSQL's and Redis's unix socket paths live here and must stay under ~100 chars.
    path = Path(tempfile.mkdtemp(prefix="adk-", dir="/tmp"))
    path.chmod(0o755)  # the embedded PostgreSQL runs as its own user when we are root
    yield path
    # Whatever happened, leave no server running on this directory.
    env = {**os.environ, "AUDITDESK_DATA_DIR": str(path)}
    env.pop("XDG_RUNTIME_DIR", None)
    subprocess.run(
        [sys.executable, "-c", "from config import embedded; embedded.stop_all()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    shutil.rmtree(path, ignore_errors=True)


def test_make_run_starts_serves_and_stops_cleanly(data_dir: Path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(AUDITDESK_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    log_path = data_dir / "devserver.log"
    log = open(log_path, "w")  # noqa: SIM115 — closed in finally
    process = subprocess.Popen(
        [sys.executable, "-m", "config.devserver", "--port", str(port), "--seed-events", "300"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )

    def output(lines: int = 60) -> str:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])

    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"make run exited ({process.returncode}) before serving:\n{output()}")
            with contextlib.suppress(OSError):
                status, body = get(opener, f"{base}/healthz")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz not 200 within {START_TIMEOUT_S} s:\n{output()}")
            time.sleep(0.5)
        assert '"database": "ok"' in body and '"redis": "ok"' in body
        assert f"Auditdesk is running at {base}" in output(400)

        status, page = get(opener, f"{base}/login/")
        assert status == 200
        assert 'name="username"' in page and 'name="password"' in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the sign-in form carries a CSRF token"

        # The demo data contract: Ada signs in and reads Northwind's audit log.
        status, landing = get(
            opener,
            f"{base}/login/",
            {
                "csrfmiddlewaretoken": token[1],
                "username": "ada@northwind.example",
                "password": DEMO_PASSWORD,
            },
        )
        assert status == 200, landing[:500]
        account_ids = sorted(set(re.findall(r"/a/(\d+)/audit-logs/", landing)))
        assert account_ids, "signed in, but the landing page links no account"
        pages = [get(opener, f"{base}/a/{account_id}/audit-logs/") for account_id in account_ids]
        assert any(code == 200 and "Northwind" in html for code, html in pages)

        # Not Django's debug page: the product's own, with its styles and icon served.
        status, missing = get(opener, f"{base}/no-such-page/")
        assert status == 404 and "Page not found" in missing
        assert "URLconf" not in missing and "DEBUG = True" not in missing
        status, css = get(opener, f"{base}/static/css/app.css")
        assert status == 200 and ".log-table" in css
        status, icon = get(opener, f"{base}/static/favicon.svg")
        assert status == 200 and "<svg" in icon
        # Links in emails and notifications point at the port it runs on.
        services = [
            p
            for p in psutil.Process(process.pid).children(recursive=True)
            if re.search(r"gunicorn|celery", " ".join(p.cmdline()))
        ]
        assert services and {p.environ().get("SITE_URL") for p in services} == {base}

        pgdata = data_dir / "postgres"
        postmaster_pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        redis_pid = int((data_dir / "redis" / "redis.pid").read_text().strip())
        assert pid_alive(postmaster_pid) and pid_alive(redis_pid)

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still running {STOP_TIMEOUT_S} s after Ctrl-C:\n{output()}")

        assert process.returncode in (0, 130, -signal.SIGINT), output()
        assert "Stopping embedded services" in output()
        assert not (pgdata / "postmaster.pid").exists(), "embedded PostgreSQL still running"
        assert not pid_alive(postmaster_pid)
        deadline = time.monotonic() + 10  # Redis saves its data as it shuts down
        while pid_alive(redis_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not pid_alive(redis_pid), "embedded Redis still running"
        leftovers = [p.info["cmdline"] for p in _session_of(process.pid)]
        assert not leftovers, f"processes left behind after Ctrl-C: {leftovers}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for leftover in _session_of(process.pid):  # gunicorn or celery children left behind
            with contextlib.suppress(psutil.NoSuchProcess):
                leftover.kill()
        log.close()


def _session_of(sid: int) -> list[psutil.Process]:
    """The live processes of the session the devserver started (its own, by start_new_session)."""
    found = []
    for candidate in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(ProcessLookupError, psutil.NoSuchProcess):
            if os.getsid(candidate.pid) == sid and candidate.status() != psutil.STATUS_ZOMBIE:
                found.append(candidate)
    return found


def test_make_run_defaults_to_development_on_its_own_port_without_debug():
    """`PORT=8100 make run` links to port 8100 and shows the product's error pages; DEBUG=1 and
    SITE_URL stay the person's to set."""
    from config.devserver import development_defaults

    defaults = development_defaults(8100)
    assert defaults["SITE_URL"] == "http://127.0.0.1:8100"
    assert "DEBUG" not in defaults
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SITE_URL"}}
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SITE_URL, s.DEBUG, s.WHITENOISE_AUTOREFRESH, s.TEMPLATES[0]['OPTIONS']['loaders'])"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env={**env, **defaults, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.startswith("http://127.0.0.1:8100 False True ")
    assert "cached.Loader" not in shown  # edited templates show at once
