"""scratch"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled, scope

from accounts.models import Account, User
from auditlog.models import Event
from crm.models import Record
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, email):
    page.goto(f"{base}/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill("auditdesk-demo")
    page.locator('form [type="submit"]').click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1440])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_tour(page: Page, live_server, width, lang):
    call_command("seed_demo", "--events", "600", stdout=StringIO())
    with scopes_disabled():
        User.objects.update(language=lang)
        acc = Account.objects.get(name="Northwind Traders")
        glob = Account.objects.get(name="Globex")
    with scope(account=acc):
        exp = Event.objects.filter(account=acc, subcategory="export").first()
        upd = Event.objects.filter(account=acc, category="crm_objects", action="update").first()
        pv = Event.objects.filter(account=acc, category="value_updates").first()
    with scope(account=glob):
        deleted = Record.objects.filter(account=glob, deleted_at__isnull=False).first()
        gdel = Event.objects.filter(account=glob, category="crm_objects", action="delete").first()
    page.set_viewport_size({"width": width, "height": 900})
    msgs = []
    page.on("console", lambda m: msgs.append(f"{m.type}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and msgs.append(f"{r.status} {r.url}"))
    base = live_server.url
    d = f"/tmp/h7shots/{lang}"
    page.goto(f"{base}/login/")
    page.screenshot(path=f"{d}-login.png")
    login(page, base, "ada@northwind.example")
    for name, ev in (("export", exp), ("update", upd), ("value", pv)):
        if ev is None:
            continue
        page.goto(f"{base}/a/{acc.pk}/audit-logs/?view=all&open={ev.id}")
        page.locator("#panel [role=tab]").nth(1).click()
        page.screenshot(path=f"{d}-details-{name}.png")
    page.goto(f"{base}/a/{acc.pk}/audit-logs/?view=all")
    page.get_by_role("link", name=re.compile("Export|Rapport")).first.click()
    page.wait_for_timeout(800)
    page.screenshot(path=f"{d}-exportdialog.png")
    page.goto(f"{base}/a/{acc.pk}/exports/")
    page.screenshot(path=f"{d}-exports.png", full_page=True)
    page.goto(f"{base}/a/{acc.pk}/notifications/")
    page.screenshot(path=f"{d}-notifications.png", full_page=True)
    page.goto(f"{base}/a/{acc.pk}/crm/records/")
    page.screenshot(path=f"{d}-records.png")
    page.goto(f"{base}/a/{acc.pk}/audit-logs/views/")
    page.screenshot(path=f"{d}-views.png")
    page.goto(f"{base}/a/{acc.pk}/notifications/settings/audit-logs/")
    page.screenshot(path=f"{d}-alerts.png")
    page.goto(f"{base}/preferences/")
    page.screenshot(path=f"{d}-prefs.png")
    page.goto(f"{base}/nope/")
    page.screenshot(path=f"{d}-404.png")
    page.context.clear_cookies()
    login(page, base, "grace@northwind.example")
    page.goto(f"{base}/a/{acc.pk}/notifications/settings/audit-logs/")
    page.screenshot(path=f"{d}-403.png")
    page.context.clear_cookies()
    login(page, base, "hank@globex.example")
    if deleted:
        page.goto(f"{base}/a/{glob.pk}/crm/records/{deleted.id}/")
        page.screenshot(path=f"{d}-deleted-record.png", full_page=True)
    if gdel:
        page.goto(f"{base}/a/{glob.pk}/audit-logs/?view=all&open={gdel.id}")
        page.wait_for_timeout(800)
        page.screenshot(path=f"{d}-gdel.png")
    print("\n".join(msgs))
