"""Two-factor authentication in Chromium: set it up with a code computed from the secret the page
shows, sign out, and sign in again with the password and a code."""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import hexlify

import pytest

from tests.administration.two_factor import code_of
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in, sign_out
from tests.factories import PASSWORD
from tests.utils import events_of

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enable_two_factor_sign_out_and_sign_in_with_a_code(
    page: Page, live_server, account, member
):
    sign_in(page, live_server.url, member.email)
    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))

    page.locator(".user-menu > summary").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is off")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text()
    key = hexlify(b32decode(secret.replace(" ", ""))).decode()
    page.get_by_label("Code from your app").fill(code_of(key))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    expect(page.locator("[data-backup-codes] li")).to_have_count(10)

    sign_out(page)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.locator('input[name="username"]').fill(member.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form [type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/login/two-factor/"))
    page.get_by_label("Code").fill(code_of(key, ahead=1))  # the enrolment spent the current one
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))
    signed_in = events_of(account, subcategory="login_succeeded")
    assert signed_in[-1].metadata == {"two_factor": "authenticator_app"}
    assert [e.action for e in events_of(account, subcategory="two_factor")] == ["enable"]
