"""The main flows on the demo data, at the widths people use and in both languages: sign in,
filter, open the panel and its details, comment, export, notifications, a record. The console
stays clean (conftest's `_console_clean`), the table fits beside the panel, and no long name
widens the page. WALK_SCREENSHOTS=<dir> keeps a picture of every step to look at."""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from accounts.models import Account, User
from auditlog.models import Event
from console.models import Sharing
from console.saved_views import savedview_create
from crm.models import Record
from demo.data import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_VIEW_NAME = "Deals and contacts the EMEA sales team changed during the quarterly review"
# What the Dutch pages say where the English ones say "Audit logs": the language took effect.
AUDIT_LOGS = {"en": "Audit logs", "nl": "Auditlogs"}
SHOTS = os.environ.get("WALK_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def fits_horizontally(page: Page, selector: str) -> bool:
    """The element shows all of its content without a sideways scroll."""
    return page.locator(selector).first.evaluate("el => el.scrollWidth <= el.clientWidth + 1")


def page_fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def demo(db) -> dict:
    call_command("seed_demo", "--events", "400", stdout=StringIO())
    with scopes_disabled():
        northwind = Account.objects.get(name="Northwind Traders")
        ada = User.objects.get(email="ada@northwind.example")
    with scope(account=northwind):
        savedview_create(
            account=northwind,
            owner=ada,
            name=LONG_VIEW_NAME,
            filters={"category": "crm_objects"},
            sharing=Sharing.EVERYONE,
        )
        stage_change = (
            Event.objects.filter(account=northwind, metadata__property="lifecyclestage")
            .order_by("-occurred_at")
            .first()
        )
        record = Record.objects.filter(account=northwind, deleted_at__isnull=True).first()
    assert stage_change is not None and record is not None
    return {"account": northwind, "ada": ada, "stage_change": stage_change, "record": record}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("width", [1440, 1024])
def test_the_main_flows_fit_and_stay_clean(page: Page, live_server, demo, width, language):
    account, ada = demo["account"], demo["ada"]
    with scopes_disabled():
        User.objects.filter(pk=ada.pk).update(language=language)
    name = f"walk-{width}-{language}"
    base = f"{live_server.url}/a/{account.pk}"
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/login/")
    shot(page, f"{name}-01-sign-in")
    page.locator('input[name="username"]').fill(ada.email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('form [type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))
    expect(page.locator("#log-title")).to_have_text(AUDIT_LOGS[language])

    # A very long view name is cut short in its tab, whole in the tab's title.
    tab = page.locator(".view-tabs .tab", has_text=LONG_VIEW_NAME[:20])
    expect(tab).to_have_attribute("title", LONG_VIEW_NAME)
    assert tab.locator(".tab-name").evaluate("el => el.scrollWidth > el.clientWidth")
    assert page_fits(page)
    shot(page, f"{name}-02-log")

    # Filter: the address keeps it, the table fits the page, every row is one line.
    page.select_option("#f-category", "crm_objects")
    expect(page).to_have_url(re.compile(r"category=crm_objects"))
    rows = page.locator("tr[data-row-link]")
    expect(rows.first).to_be_visible()
    assert fits_horizontally(page, ".table-wrap") and page_fits(page)

    # The panel: beside the table (or over it, on a small screen), and the table still fits,
    # Location included, with rows of one height.
    rows.nth(1).click()
    panel = page.locator("#panel")
    expect(panel.locator("[data-panel-title]")).to_be_visible()
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    assert fits_horizontally(page, ".table-wrap") and page_fits(page)
    wrap_right = page.locator(".table-wrap").evaluate("el => el.getBoundingClientRect().right")
    last_header = page.locator(".log-table th").last
    assert last_header.evaluate("el => el.getBoundingClientRect().right") <= wrap_right + 1
    heights = rows.evaluate_all(
        "rows => rows.map(r => Math.round(r.getBoundingClientRect().height))"
    )
    assert max(heights) - min(heights) <= 2, heights
    truncated = page.locator(".log-table td[title]").first
    expect(truncated).to_have_attribute("title", re.compile(r"\S"))
    shot(page, f"{name}-03-panel")

    # Details in words: no stored keys or codes.
    page.goto(f"{base}/audit-logs/?view=all&open={demo['stage_change'].id}")
    panel.locator(f"#tab-details-{demo['stage_change'].id}").click()
    details = panel.locator(f"#tabpanel-details-{demo['stage_change'].id}")
    expect(details).to_be_visible()
    text = details.inner_text()
    assert "lifecyclestage" not in text and "qualifiedlead" not in text, text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    shot(page, f"{name}-04-details")

    # A comment: posted in the panel, counted on its tab.
    comments_tab = panel.locator(f"#tab-comments-{demo['stage_change'].id}")
    comments_tab.click()
    panel.locator("textarea[name=body]").fill(f"Checked at {width} px")
    panel.locator(".comment-form button[type=submit]").click()
    expect(panel.locator(".comment-body")).to_contain_text(f"Checked at {width} px")
    expect(comments_tab.locator(".badge")).to_have_text("1")
    expect(panel.locator(".comment time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    shot(page, f"{name}-05-comment")

    # The export dialog (the panel closed first: on a small screen it covers the page), then the
    # Exports page.
    panel.locator("[data-close-panel]").click()
    expect(panel.locator(".panel-inner")).to_have_count(0)
    page.locator("#export-report").click()
    dialog = page.locator("dialog#modal")
    expect(dialog).to_be_visible()
    expect(dialog.locator("time").first).to_be_visible()
    shot(page, f"{name}-06-export-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.locator(f'nav.sidenav a[href="/a/{account.pk}/exports/"]').click()
    expect(page).to_have_url(re.compile(r"/exports/$"))
    assert page_fits(page)
    shot(page, f"{name}-07-exports")

    # Notifications: the bell's menu and the page.
    page.locator(".bell > summary").click()
    expect(page.locator(".bell-body .loading")).to_have_count(0)
    page.locator(f'nav.sidenav a[href="/a/{account.pk}/notifications/"]').click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    assert page_fits(page)
    shot(page, f"{name}-08-notifications")

    # A record, its properties named in words.
    page.goto(f"{base}/crm/records/{demo['record'].id}/")
    expect(page.locator("h1")).to_have_text(demo["record"].label)
    properties = page.locator(".record-grid .facts").first.inner_text()
    assert not re.search(
        r"\b(lifecyclestage|jobtitle|annualrevenue|numberofemployees)\b", properties
    )
    assert page_fits(page)
    shot(page, f"{name}-09-record")


@pytest.mark.allow_http_status(404)
def test_a_missing_page_is_the_products_own(page: Page, live_server):
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator('link[rel="icon"]')).to_have_attribute("href", re.compile(r"favicon"))
