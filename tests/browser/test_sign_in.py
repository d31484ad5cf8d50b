"""Sign in through the real form in Chromium and read the audit log."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.factories import PASSWORD, member_of

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_lands_on_the_audit_log_with_its_events(
    page: Page, live_server, account, other_account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Acme renewal", ip="81.2.69.142")
    record_event(account, actor=super_admin, object_label="Stockholm lease", ip="89.160.20.112")
    stranger = member_of(other_account, role=Role.SUPER_ADMIN)
    record_event(other_account, actor=stranger, object_label="Globex secret")

    page.goto(f"{live_server.url}/login/")
    page.locator('input[name="username"]').fill(super_admin.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form [type="submit"]').click()

    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))
    expect(page.get_by_text("Acme renewal")).to_be_visible()
    expect(page.get_by_text("Stockholm lease")).to_be_visible()
    expect(page.get_by_text("United Kingdom").first).to_be_visible()
    expect(page.get_by_text("Sweden").first).to_be_visible()
    expect(page.get_by_text("Globex secret")).to_have_count(0)


def test_a_wrong_password_stays_on_the_sign_in_page(page: Page, live_server, super_admin):
    page.goto(f"{live_server.url}/login/")
    page.locator('input[name="username"]').fill(super_admin.email)
    page.locator('input[name="password"]').fill("not the password")
    page.locator('form [type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator('input[name="password"]')).to_be_visible()
    expect(page.get_by_text("Acme renewal")).to_have_count(0)
