"""`make test`: the whole suite on real PostgreSQL and Redis, in parallel.

Uses DATABASE_URL / REDIS_URL when set, else the embedded servers. Browser tests need a Chromium;
without one they are skipped, and this says so loudly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).exists():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEMO_ENABLED", "1")  # the demo app and its seeding are tested too
    chromium = chromium_path()
    if chromium:
        os.environ["CHROMIUM_PATH"] = chromium
    else:
        banner = "!" * 78
        print(
            f"{banner}\n!!  NO CHROMIUM FOUND: the browser tests will be SKIPPED.\n"
            f"!!  Install it (apt-get install -y chromium) or set CHROMIUM_PATH.\n{banner}",
            flush=True,
        )
    subprocess.run([sys.executable, "manage.py", "compile_translations"], cwd=BASE_DIR, check=True)
    workers = os.environ.get("TEST_WORKERS", "2")
    command = [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *sys.argv[1:]]
    return subprocess.call(command, cwd=BASE_DIR)


if __name__ == "__main__":
    sys.exit(main())
