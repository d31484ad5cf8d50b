"""Restore in Chromium: delete a contact on its page, find the Delete event, restore it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in
from tests.factories import RecordFactory

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delete_then_restore_from_the_log(page: Page, live_server, account, super_admin):
    contact = RecordFactory(
        account=account,
        object_type="contact",
        label="Jane Doe",
        properties={"email": "jane@example.test"},
    )
    sign_in(page, live_server.url, super_admin.email)
    page.goto(f"{live_server.url}/a/{account.pk}/crm/records/{contact.id}/")
    page.get_by_role("link", name="Delete contact").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_role("heading", name="Delete contact?")).to_be_visible()
    # The dialog holds the form only, not a second copy of the console around it.
    expect(dialog.locator("nav, header")).to_have_count(0)
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text(re.compile("Deleted on"))).to_be_visible()

    page.goto(
        f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&category=crm_objects&action=delete&date=30d"
    )
    page.locator("tr[data-row-link]", has_text="Jane Doe").click()
    panel = page.locator("#panel")
    panel.get_by_role("link", name="Restore contact").click()
    dialog = page.locator("dialog#modal")
    expect(dialog).to_contain_text("Jane Doe")
    dialog.get_by_role("button", name="Restore").click()
    expect(page).to_have_url(re.compile(rf"/crm/records/{contact.id}/"))
    expect(page.get_by_text(re.compile("Deleted on"))).to_have_count(0)
    expect(page.locator(".timeline")).to_contain_text("Restore")

    expect(page.get_by_text(re.compile(r"Restored by Ada Lovelace on"))).to_be_visible()

    page.goto(
        f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&category=crm_objects&date=30d"
    )
    expect(page.locator("tbody")).to_contain_text("Restore")
    page.locator("tr[data-row-link]", has_text="Delete").filter(has_text="Jane Doe").click()
    expect(page.locator("#panel")).to_contain_text(re.compile(r"Restored by Ada Lovelace on"))
    expect(page.locator("#panel").get_by_role("link", name="Restore contact")).to_have_count(0)
