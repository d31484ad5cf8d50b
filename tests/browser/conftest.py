"""Playwright on the Debian Chromium (SPEC stack): launch options, a screenshot on failure, and a
clean console: every browser test fails on a script error or a request that went wrong."""

from __future__ import annotations

import contextlib
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_http_status(*codes): answers with these codes are what the test expects "
        "(e.g. 404 for a page that must not exist); the clean-console check lets them pass",
    )


# Chromium logs every 4xx and 5xx answer as a console error; `_console_clean` judges those by
# the answer itself, which knows the URL (a 400 or 403 the product shows on purpose is fine).
LOAD_FAILED = "Failed to load resource: the server responded with a status of"


@pytest.fixture(autouse=True)
def _console_clean(request: pytest.FixtureRequest, page):
    """Fails the test, at teardown, on a console error, an uncaught script error, a request that
    failed, or a 404 or 5xx answer, on any page of the test's browser context."""
    allowed = {
        code for mark in request.node.iter_markers("allow_http_status") for code in mark.args
    }
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith(LOAD_FAILED):
            where = (message.location or {}).get("url", "")
            problems.append(f"console error: {message.text} ({where})")

    def on_response(response) -> None:
        if (response.status == 404 or response.status >= 500) and response.status not in allowed:
            problems.append(f"{response.status} for {response.request.method} {response.url}")

    def on_request_failed(failed) -> None:
        # A request the page itself cancels (a navigation, a download) is not a failure.
        if failed.failure and "ERR_ABORTED" not in failed.failure:
            problems.append(f"request failed ({failed.failure}): {failed.method} {failed.url}")

    context = page.context
    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"script error: {error.error}"))
    context.on("response", on_response)
    context.on("requestfailed", on_request_failed)
    yield problems
    if problems and not page.is_closed():
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-140:] + "-console.png"
        with contextlib.suppress(Exception):  # the report matters more than the picture
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    if problems:
        pytest.fail("the browser reported problems:\n  " + "\n  ".join(problems), pytrace=False)


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
