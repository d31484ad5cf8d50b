"""Steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.factories import PASSWORD


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form [type="submit"]').click()
    page.wait_for_load_state("networkidle")


def sign_out(page: Page) -> None:
    page.locator(".user-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
