"""Playwright on the Debian Chromium (SPEC stack): launch options, and a screenshot on failure."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# ORM calls that fixtures and tests make next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FOUND = Path(CHROMIUM_PATH).exists()
NO_CHROMIUM = (
    f"NO CHROMIUM at {CHROMIUM_PATH}: browser tests SKIPPED "
    "(apt-get install -y chromium, or set CHROMIUM_PATH)"
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None or page.is_closed():
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", item.nodeid)[-150:] + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a dead page must not hide the test's own failure
        report.sections.append(("screenshot", f"could not take a screenshot: {exc!r}"))
    else:
        report.sections.append(("screenshot", f"saved to {path} (page at {page.url})"))
