"""Users & teams in Chromium: invite → email → accept → sign in; remove Grace's admin rights →
the event in the log and the Removed admin rights alert emailed to Ada.

Emails go to Django's locmem outbox: tasks run eagerly, in the live server's thread, after the
request's commit."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in, sign_out
from tests.factories import member_of

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-new-passphrase"


@pytest.fixture(autouse=True)
def _emails_at_once(settings, celery_eager):
    settings.DISPATCH_IN_BACKGROUND = False


def test_invite_email_accept_and_sign_in(page: Page, live_server, account, super_admin):
    sign_in(page, live_server.url, super_admin.email)
    page.locator(".sidenav").get_by_role("link", name="Users & teams").click()
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Email").fill("nova@example.test")
    page.get_by_label("Role").select_option("admin")
    page.get_by_label("Audit-log access").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nova@example.test.")).to_be_visible()
    expect(page.locator("[data-invitations]")).to_contain_text("nova@example.test")

    [email] = mail.outbox
    assert email.to == ["nova@example.test"]
    assert email.subject == "Ada Lovelace invited you to Northwind Test on Auditdesk"
    link = urlparse(re.search(r"https?://\S+/invitations/\S+/", email.body).group(0)).path
    sign_out(page)

    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="Join Northwind Test")).to_be_visible()
    page.get_by_label("Name").fill("Nova Person")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))
    expect(page.locator(".user-menu > summary")).to_have_text("Nova Person")
    sign_out(page)

    page.goto(f"{live_server.url}/login/")
    page.locator('input[name="username"]').fill("nova@example.test")
    page.locator('input[name="password"]').fill(NEW_PASSWORD)
    page.locator('form [type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))
    # The invitation link is spent: opening it again says so.
    page.goto(live_server.url + link)
    expect(page.get_by_text("This invitation was accepted already.")).to_be_visible()


def test_remove_graces_admin_rights_logs_it_and_alerts_ada(
    page: Page, live_server, account, super_admin
):
    with scopes_disabled():
        member_of(
            account, role=Role.ADMIN, audit_log_access=True, email="grace@northwind.test",
            full_name="Grace Hopper",
        )  # fmt: skip
    sign_in(page, live_server.url, super_admin.email)
    page.locator(".sidenav").get_by_role("link", name="Audit-log alerts").click()
    page.get_by_label("Removed admin rights").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Audit-log alerts saved.")).to_be_visible()

    page.locator(".sidenav").get_by_role("link", name="Users & teams").click()
    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_label("Role").select_option("member")
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("Grace Hopper is now member.")).to_be_visible()
    expect(page.locator("[data-role]")).to_have_text("Member")

    page.goto(f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&category=security_activity")
    row = page.locator("tr[data-row-link]", has_text="Grace Hopper").first
    expect(row).to_contain_text("Admin rights")
    expect(row).to_contain_text("Remove")
    row.click()
    expect(page.locator("#panel")).to_contain_text("Member")

    alerts = [m for m in mail.outbox if m.subject == "Admin rights removed: Grace Hopper"]
    assert [m.to for m in alerts] == [[super_admin.email]]
    assert "Ada Lovelace removed admin rights in Northwind Test." in alerts[0].body
    page.reload()
    expect(page.locator("details.bell .bell-count")).to_have_text("1")
