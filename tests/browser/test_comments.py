"""Comments in Chromium: a mention notifies, the link opens the comment, reply and resolve."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from console.comments import comment_create
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in, sign_out
from tests.factories import member_of

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


def open_comments(page: Page, label: str):
    # The entry itself, not the Comment events recorded about it (they carry its label too).
    page.locator("tr[data-row-link]", has_text=label).filter(has_text="CRM objects").click()
    panel = page.locator("#panel")
    panel.get_by_role("tab", name=re.compile("Comments")).click()
    settled(page)
    return panel


def test_enter_picks_the_highlighted_colleague(
    page: Page, live_server, account, super_admin, member, record_event
):
    member_of(account, role=Role.MEMBER, audit_log_access=True, full_name="Grace Kelly")
    record_event(account, actor=super_admin, object_label="Acme Corp")
    sign_in(page, live_server.url, super_admin.email)
    panel = open_comments(page, "Acme Corp")
    box = panel.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Ask @Gra")
    options = panel.locator("[data-mention-id]")
    expect(options).to_have_count(2)
    page.keyboard.press("Enter")  # the first colleague offered
    expect(box).to_have_value("Ask @Grace Hopper ")
    box.press_sequentially("and @Gra")
    expect(options).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_have_value("Ask @Grace Hopper and @Grace Kelly ")
    expect(box).to_be_focused()
    panel.get_by_role("button", name="Comment", exact=True).click()
    expect(panel.locator(".comment .mention")).to_have_text(["@Grace Hopper", "@Grace Kelly"])


def test_a_too_long_comment_is_named_and_kept(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Acme Corp")
    sign_in(page, live_server.url, super_admin.email)
    panel = open_comments(page, "Acme Corp")
    text = "Long notes. " * 500  # 6,000 characters
    panel.locator("textarea[name=body]").fill(text)
    panel.get_by_role("button", name="Comment", exact=True).click()
    expect(panel.locator(".field-error")).to_have_text(
        "Keep comments to 5,000 characters or fewer; this one has 5,999."
    )
    expect(panel.locator("textarea[name=body]")).to_have_value(text)
    expect(panel.locator(".comment")).to_have_count(0)


def test_a_long_comment_folds_behind_show_more(
    page: Page, live_server, account, super_admin, record_event
):
    event = record_event(account, actor=super_admin, object_label="Acme Corp")
    with scope(account=account):
        comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="\n".join(f"Finding {i}: checked" for i in range(12)),
            mention_ids=[],
        )
    sign_in(page, live_server.url, super_admin.email)
    panel = open_comments(page, "Acme Corp")
    comment = panel.locator(".comment")
    expect(comment.get_by_text("Finding 4: checked")).to_be_visible()
    expect(comment.get_by_text("Finding 11: checked")).to_be_hidden()
    comment.get_by_text("Show more").click()
    expect(comment.get_by_text("Finding 11: checked")).to_be_visible()
    expect(comment.get_by_text("Show more")).to_be_hidden()
    comment.get_by_role("button", name="Show less").click()
    expect(comment.get_by_text("Finding 11: checked")).to_be_hidden()
    expect(comment.get_by_text("Show more")).to_be_visible()


def test_a_refused_delete_says_why_in_the_panel(
    page: Page, live_server, account, member, record_event
):
    boss = member_of(account, role=Role.SUPER_ADMIN, full_name="Alan Turing")
    event = record_event(account, actor=boss, object_label="Acme Corp")
    with scope(account=account):
        comment_create(
            account=account, author=member, event=event, body="Grace's note", mention_ids=[]
        )
    sign_in(page, live_server.url, boss.email)
    panel = open_comments(page, "Acme Corp")
    # Demoted in another tab: the Delete still on this page is refused, and says so.
    with scopes_disabled():
        Membership.objects.filter(account=account, user=boss).update(
            role=Role.ADMIN, audit_log_access=True
        )
    panel.locator("details.comment-menu summary").click()
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Delete").click()
    expect(panel.get_by_role("alert")).to_have_text(
        "Only the author or a super admin can delete a comment."
    )
    expect(panel.get_by_text("Grace's note")).to_be_visible()
