"""Comments in Chromium: a mention notifies, the link opens the comment, reply and resolve."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in, sign_out

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page: Page) -> None:
    """Wait until htmx has finished swapping, so new controls have their handlers."""
    expect(page.locator(".htmx-added, .htmx-settling, .htmx-swapping")).to_have_count(0)


def test_mention_notify_follow_reply_resolve(
    page: Page, live_server, account, super_admin, member, record_event, settings
):
    settings.DISPATCH_IN_BACKGROUND = False
    record_event(account, actor=super_admin, object_label="Acme Corp")
    sign_in(page, live_server.url, super_admin.email)
    page.locator("tr[data-row-link]", has_text="Acme Corp").click()
    panel = page.locator("#panel")
    panel.get_by_role("tab", name=re.compile("Comments")).click()
    box = panel.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Can you check this @Gra")
    panel.locator("[data-mention-id]", has_text="Grace Hopper").click()
    box.press_sequentially("please")
    panel.get_by_role("button", name="Comment", exact=True).click()
    expect(panel.locator(".comment .mention")).to_have_text("@Grace Hopper")
    row = page.locator("tr[data-row-link]", has_text="Acme Corp")
    expect(row.locator(".comment-indicator")).to_contain_text("1")
    # The comment menu works from the keyboard: Enter opens it, Escape closes it.
    settled(page)
    menu = panel.locator("details.comment-menu").first
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("button", name="Copy link")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(panel).to_be_visible()
    sign_out(page)

    sign_in(page, live_server.url, member.email)
    expect(page.locator(".bell-count")).to_have_text("1")
    page.locator(".bell > summary").click()
    page.get_by_text("Ada Lovelace tagged you in a comment").click()
    page.wait_for_url(re.compile(r"comment="))
    page.wait_for_load_state("networkidle")  # htmx has wired the panel's links
    highlighted = page.locator(".comment.highlighted")
    expect(highlighted).to_contain_text("please")

    panel = page.locator("#panel")
    panel.get_by_role("link", name="Reply").click()
    expect(panel.get_by_text("Back to all comments")).to_be_visible()
    panel.locator("textarea[name=body]").fill("Looks fine to me")
    panel.get_by_role("button", name="Reply", exact=True).click()
    expect(panel.get_by_text("Looks fine to me")).to_be_visible()
    panel.get_by_role("button", name="Resolve").click()
    expect(panel.locator(".badge", has_text="Resolved")).to_be_visible()
    # The table's open-comment indicator follows at once.
    row = page.locator("tr[data-row-link]", has_text="Acme Corp")
    expect(row.locator(".comment-indicator")).to_have_count(0)
    panel.get_by_text("Back to all comments").click()
    expect(panel.get_by_text("No open comments")).to_be_visible()
    settled(page)
    panel.locator("select[name=status]").select_option("resolved")
    expect(panel.locator(".comment")).to_contain_text(["please"])
    settled(page)
    panel.locator("select[name=status]").select_option("open")
    expect(panel.get_by_text("No open comments")).to_be_visible()
