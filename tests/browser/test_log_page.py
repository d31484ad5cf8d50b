"""The Audit Logs page in Chromium: tier-gated filters, URL state, views, the detail panel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django_scopes import scope

from accounts.models import Product, Role, Tier
from auditlog.models import Event
from auditlog.pagination import Cursor
from console.models import SavedView
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.browser.helpers import sign_in
from tests.factories import account_with_tier, member_of

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def test_starter_can_choose_only_login_and_security(page: Page, live_server, record_event):
    starter = account_with_tier(Tier.STARTER, products=(Product.SALES,), name="Initech B")
    boss = member_of(starter, role=Role.SUPER_ADMIN, email="peter@initech.test")
    record_event(
        starter,
        actor=boss,
        category="login",
        subcategory="login_succeeded",
        action="login",
        object_label="a sign-in",
    )
    sign_in(page, live_server.url, boss.email)
    options = page.locator("#f-category option:not([disabled])")
    values = sorted(v for v in options.evaluate_all("os => os.map(o => o.value)") if v)
    assert values == ["login", "security_activity"]
    expect(page.locator('#f-category option[value="crm_objects"]')).to_be_disabled()
    expect(page.locator('#f-category option[value="crm_objects"]')).to_contain_text(
        "Available on Enterprise"
    )


def test_filtering_updates_rows_url_and_subcategories(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Contact row")
    record_event(
        account,
        actor=super_admin,
        category="login",
        subcategory="login_succeeded",
        action="login",
        object_label="Login row",
    )
    sign_in(page, live_server.url, super_admin.email)
    expect(page.locator("#f-subcategory")).to_be_disabled()
    expect(page.get_by_text("Contact row")).to_be_visible()

    page.select_option("#f-category", "login")
    expect(page).to_have_url(re.compile(r"category=login"))
    expect(page.get_by_text("Contact row")).to_have_count(0)
    expect(page.get_by_text("Login row")).to_be_visible()
    expect(page.locator("#f-subcategory")).to_be_enabled()
    subs = page.locator("#f-subcategory option").evaluate_all("os => os.map(o => o.value)")
    assert sorted(v for v in subs if v) == ["login_failed", "login_succeeded", "logout"]
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    # A copied link reproduces the view; back returns to the unfiltered one.
    url = page.url
    page.goto(url)
    expect(page.locator("#f-category")).to_have_value("login")
    page.go_back()
    page.go_back()
    expect(page.get_by_text("Contact row")).to_be_visible()


def test_save_clone_rename_share_and_delete_a_view(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, action="delete", object_label="Gone contact")
    sign_in(page, live_server.url, super_admin.email)
    page.select_option("#f-action", "delete")
    expect(page).to_have_url(re.compile(r"action=delete"))

    page.get_by_role("link", name="Save as new view").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("View name").fill("Deletions")
    dialog.get_by_role("button", name="Save view").click()
    expect(page.locator(".view-tabs .tab.active")).to_have_text("Deletions")

    # Duplicate name → field error in the dialog.
    page.get_by_role("link", name="Clone view").click()
    dialog.get_by_label("View name").fill("deletions")
    dialog.get_by_role("button", name="Save view").click()
    expect(dialog.get_by_text("You already have a view with this name.")).to_be_visible()
    dialog.get_by_label("View name").fill("Deletions copy")
    dialog.get_by_role("button", name="Save view").click()
    expect(page.locator(".view-tabs .tab.active")).to_have_text("Deletions copy")

    page.locator(".view-buttons summary", has_text="More").click()
    page.get_by_role("link", name="Rename").click()
    dialog.get_by_label("View name").fill("Deleted records")
    dialog.get_by_role("button", name="Rename").click()
    expect(page.locator(".view-tabs .tab.active")).to_have_text("Deleted records")

    page.locator(".view-buttons summary", has_text="More").click()
    page.get_by_role("link", name="Manage sharing").click()
    dialog.get_by_label("Everyone in the account").check()
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator(".view-tabs .tab.active")).to_contain_text("Shared")

    page.locator(".view-buttons summary", has_text="More").click()
    page.get_by_role("link", name="Delete", exact=True).click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator(".view-tabs")).not_to_contain_text("Deleted records")
    expect(page.locator(".view-tabs")).to_contain_text("Deletions")


def test_row_opens_panel_with_location_browser_and_enterprise_details(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(
        account,
        actor=super_admin,
        object_label="Acme Corp",
        ip="81.2.69.142",
        user_agent=CHROME,
        metadata={"before": {"stage": "Lead"}, "after": {"stage": "Won"}},
        url=f"/a/{account.pk}/crm/records/1/",
    )
    sign_in(page, live_server.url, super_admin.email)
    page.locator("tr[data-row-link]", has_text="Acme Corp").click()
    panel = page.locator("#panel")
    expect(panel.get_by_text("United Kingdom")).to_be_visible()
    expect(panel.get_by_text("Chrome 131")).to_be_visible()
    panel.get_by_role("tab", name="Details").click()
    expect(panel.get_by_text("Lead")).to_be_visible()
    expect(panel.get_by_text("Won")).to_be_visible()
    expect(panel.get_by_role("link", name=re.compile("Show more info"))).to_be_visible()
    # The address names the open event: a copied link (here: a reload) opens it again.
    expect(page).to_have_url(re.compile(r"open=\d+"))
    page.reload()
    expect(panel.get_by_text("Chrome 131")).to_be_visible()
    expect(page.locator("tr[data-row-link]", has_text="Acme Corp")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Escape")
    expect(panel.locator(".panel-inner")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"open="))


def test_changed_by_search_as_you_type_and_rows_per_page(
    page: Page, live_server, account, super_admin, member, record_event
):
    for i in range(30):
        record_event(account, actor=super_admin, object_label=f"Ada row {i:02d}")
    record_event(account, actor=member, object_label="Grace row")
    sign_in(page, live_server.url, super_admin.email)
    # Only the CRM rows above: signing in and opening the log are events of their own.
    page.goto(f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&category=crm_objects")
    expect(page.locator("tr[data-row-link]")).to_have_count(31)

    page.locator("#f-actor-q").fill("grac")
    option = page.locator("#actor-options [data-actor-token]", has_text="Grace Hopper")
    expect(option).to_be_visible()
    assert "/actors/" not in page.url  # the search is not page state
    option.click()
    expect(page).to_have_url(re.compile(rf"actor=u{member.pk}"))
    expect(page.locator("tr[data-row-link]")).to_have_count(1)
    expect(page.get_by_text("Grace row")).to_be_visible()
    expect(page.locator("#actor-options [data-actor-token]")).to_have_count(0)

    page.get_by_role("button", name="Remove Grace Hopper").click()
    expect(page.locator("tr[data-row-link]")).to_have_count(31)
    expect(page).not_to_have_url(re.compile(r"actor="))

    page.locator("select[data-page-size]").select_option("25")
    expect(page).to_have_url(re.compile(r"size=25"))
    expect(page.locator("tr[data-row-link]")).to_have_count(25)
    page.get_by_role("link", name=re.compile("Older")).click()
    expect(page.locator("tr[data-row-link]")).to_have_count(6)
    expect(page).to_have_url(re.compile(r"after="))
    expect(page.get_by_role("link", name=re.compile("Older"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Newer")).click()
    expect(page.locator("tr[data-row-link]")).to_have_count(25)


def test_a_custom_range_ending_before_it_starts_is_swapped_and_shown_so(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Today's change")
    sign_in(page, live_server.url, super_admin.email)
    page.select_option("#f-date", "custom")
    expect(page.locator("#f-start")).to_be_visible()
    page.fill("#f-start", "2026-05-02")
    expect(page).to_have_url(re.compile(r"start=2026-05-02"))
    page.fill("#f-end", "2026-05-01")
    expect(page).to_have_url(re.compile(r"end=2026-05-01"))
    expect(page.get_by_role("status").filter(has_text="swapped")).to_contain_text(
        "The range ended before it started, so its dates were swapped."
    )
    expect(page.get_by_text("Some filters were ignored")).to_have_count(0)
    # The boxes show the range as applied once the person leaves them; so does a reload.
    page.locator("#f-end").blur()
    expect(page.locator("#f-start")).to_have_value("2026-05-01")
    expect(page.locator("#f-end")).to_have_value("2026-05-02")
    page.reload()
    expect(page.locator("#f-start")).to_have_value("2026-05-01")
    expect(page.locator("#f-end")).to_have_value("2026-05-02")


def test_a_gated_category_in_a_link_gets_the_tiers_own_note(page: Page, live_server):
    pro = account_with_tier(Tier.PROFESSIONAL, products=(Product.SALES,), name="Globex B")
    boss = member_of(pro, role=Role.SUPER_ADMIN, email="hank@globex.test")
    sign_in(page, live_server.url, boss.email)
    page.goto(f"{live_server.url}/a/{pro.pk}/audit-logs/?view=all&category=crm_objects")
    note = page.get_by_role("alert")
    expect(note).to_contain_text("Category: CRM objects (Available on Enterprise)")
    expect(note).not_to_contain_text("Select a valid choice")
    expect(page.locator("#f-category")).to_have_value("")


def test_a_link_to_a_deleted_view_opens_all_logs_with_a_note(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Contact row")
    with scope(account=account):
        view = SavedView.objects.create(
            account=account, owner=super_admin, name="Short-lived", filters={"category": "login"}
        )
        link = f"{live_server.url}/a/{account.pk}/audit-logs/?view={view.id}"
        view.delete()
    sign_in(page, live_server.url, super_admin.email)
    page.goto(link)
    expect(page.get_by_role("status").filter(has_text="view")).to_contain_text(
        "This view no longer exists or is private to its owner"
    )
    expect(page.locator(".view-tabs .tab.active")).to_have_text("All logs")
    expect(page.get_by_text("Contact row")).to_be_visible()


def test_a_page_past_the_end_of_the_log_leads_back_to_the_newest(
    page: Page, live_server, account, super_admin, record_event
):
    oldest = record_event(account, actor=super_admin, object_label="Contact row")
    past = Cursor(occurred_at=oldest.occurred_at - dt.timedelta(days=3650), id=1).encode()
    sign_in(page, live_server.url, super_admin.email)
    page.goto(f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&date=&after={past}")
    results = page.locator("#log-results")
    expect(results.get_by_role("heading", name="No older events")).to_be_visible()
    expect(results.get_by_text("No events match")).to_have_count(0)
    page.get_by_role("link", name="Go to the newest events").click()
    expect(page.get_by_text("Contact row")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"after="))


def test_the_action_list_follows_the_category(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, action="delete", object_label="Gone contact")
    record_event(
        account,
        actor=super_admin,
        category="login",
        subcategory="login_succeeded",
        action="login",
        object_label="Login row",
    )
    sign_in(page, live_server.url, super_admin.email)

    def offered() -> list[str]:
        values = page.locator("#f-action option").evaluate_all("os => os.map(o => o.value)")
        return [v for v in values if v]

    assert "restore" in offered() and "login" in offered()
    page.select_option("#f-category", "crm_objects")
    expect(page.locator('#f-action option[value="login"]')).to_have_count(0)
    assert offered() == ["create", "update", "delete", "restore"]
    page.select_option("#f-action", "delete")
    expect(page).to_have_url(re.compile(r"action=delete"))
    expect(page.get_by_text("Gone contact")).to_be_visible()
    # Login records no Delete: the action is dropped with a note, the logins show.
    page.select_option("#f-category", "login")
    expect(page.get_by_role("alert")).to_contain_text("Action: Login has no Delete action.")
    expect(page.get_by_text("Login row")).to_be_visible()
    assert offered() == ["login", "logout"]
    expect(page.locator("#f-action")).to_have_value("")
    page.select_option("#f-subcategory", "logout")
    expect(page.locator('#f-action option[value="login"]')).to_have_count(0)
    assert offered() == ["logout"]


def test_the_panel_by_keyboard_and_the_starter_panel(
    page: Page, live_server, starter_account, record_event
):
    boss = member_of(starter_account, role=Role.SUPER_ADMIN, email="peter@initech.test")
    record_event(
        starter_account,
        actor=boss,
        category="login",
        subcategory="login_succeeded",
        action="login",
        ip="81.2.69.142",
        user_agent=CHROME,
        metadata={"secret": "not for Starter"},
    )
    sign_in(page, live_server.url, boss.email)
    link = page.locator("[data-panel-link]").last  # the newest row is this sign-in itself
    link.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#panel")
    expect(panel.locator("[data-panel-title]")).to_be_focused()
    expect(panel.get_by_text("United Kingdom")).to_be_visible()
    expect(panel.get_by_text("Chrome 131")).to_be_visible()
    expect(panel.get_by_role("tab", name="Details")).to_have_attribute("aria-disabled", "true")
    expect(panel).to_contain_text("Available on Enterprise")
    expect(panel).not_to_contain_text("not for Starter")
    expect(panel.get_by_role("link", name=re.compile("Show more info"))).to_have_count(0)

    panel.get_by_role("tab", name="Summary").focus()
    page.keyboard.press("ArrowRight")
    expect(panel.get_by_role("tab", name=re.compile("Comments"))).to_be_focused()
    expect(panel.get_by_role("tab", name=re.compile("Comments"))).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Escape")
    expect(panel.locator(".panel-inner")).to_have_count(0)
    expect(link).to_be_focused()


def test_changed_by_still_works_after_going_back(
    page: Page, live_server, account, super_admin, member, record_event
):
    record_event(account, actor=member, object_label="Grace row")
    record_event(account, actor=super_admin, object_label="Ada row")
    sign_in(page, live_server.url, super_admin.email)
    page.select_option("#f-category", "crm_objects")
    expect(page).to_have_url(re.compile(r"category=crm_objects"))
    page.select_option("#f-action", "update")
    expect(page).to_have_url(re.compile(r"action=update"))
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"action=update"))
    expect(page.locator("#f-action")).to_have_value("")  # the restored page is in place
    page.locator("#f-actor-q").fill("grac")
    page.locator("#actor-options [data-actor-token]", has_text="Grace Hopper").click()
    expect(page).to_have_url(re.compile(rf"actor=u{member.pk}"))
    expect(page.get_by_text("Ada row")).to_have_count(0)
    expect(page.get_by_text("Grace row")).to_be_visible()


def test_typing_a_date_records_one_log_view_not_one_per_keystroke(
    page: Page, live_server, account, super_admin
):
    sign_in(page, live_server.url, super_admin.email)
    page.select_option("#f-date", "custom")
    expect(page).to_have_url(re.compile(r"date=custom"))
    page.locator("#f-start").focus()
    page.keyboard.type("05022026")  # month, day, year: every year digit makes a valid date
    expect(page).to_have_url(re.compile(r"start=2026-05-02"))
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    with scope(account=account):
        starts = [
            e.metadata["filters"].get("start")
            for e in Event.objects.filter(account=account, subcategory="log_view")
        ]
    assert [s for s in starts if s] == ["2026-05-02"]


def test_a_loading_indicator_shows_while_results_load(
    page: Page, live_server, account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Contact row")
    sign_in(page, live_server.url, super_admin.email)
    held = []
    page.route("**/audit-logs/?*", lambda route: held.append(route))
    page.select_option("#f-category", "login")
    page.wait_for_function("() => document.getElementById('log-results').matches('.htmx-request')")
    expect(page.locator("#log-loading")).to_be_visible()
    expect(page.locator("#log-loading")).to_contain_text("Loading")
    for route in held:
        route.continue_()
    page.unroute("**/audit-logs/?*")
    expect(page.locator("#log-loading")).to_be_hidden()
    expect(page.get_by_text("Contact row")).to_have_count(0)
