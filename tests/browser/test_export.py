"""Export from the Audit Logs page in Chromium, with a real Celery worker: confirm the dialog,
watch the progress on the Exports page, open the notification, download the file."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django_scopes import scope

from auditlog.services import Actor, EventInput, events_bulk_load
from tests.browser.conftest import CHROMIUM_FOUND, NO_CHROMIUM
from tests.exports.helpers import published_to, worker_env
from tests.factories import PASSWORD
from tests.utils import celery_worker

if not CHROMIUM_FOUND:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]

ROWS = 120


def test_export_watch_progress_open_the_notification_and_download(
    page: Page, live_server, account, super_admin, settings, tmp_path: Path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with scope(account=account):
        events_bulk_load(
            account=account,
            entries=[
                EventInput(category="crm_objects", subcategory="deal", action="update",
                           actor=Actor.of_user(super_admin), object_label=f"Deal {i}")
                for i in range(ROWS)
            ],
        )  # fmt: skip
    queue = f"test-{uuid.uuid4().hex[:12]}"
    # Slow enough (about 3 s) that the progress bar is seen moving.
    env = worker_env(queue, tmp_path, EXPORT_MAX_ROWS_PER_SECOND="40")

    with published_to(queue), celery_worker(queue=queue, env=env) as worker:
        page.goto(f"{live_server.url}/login/")
        page.locator('input[name="username"]').fill(super_admin.email)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator('form [type="submit"]').click()
        expect(page).to_have_url(re.compile(rf"/a/{account.pk}/audit-logs/"))

        page.goto(f"{live_server.url}/a/{account.pk}/audit-logs/?view=all&category=crm_objects")
        page.get_by_role("link", name="Export report").click()
        dialog = page.locator("dialog#modal")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_text("This view: All logs")).to_be_visible()
        expect(dialog.get_by_text(f"about {ROWS}")).to_be_visible()
        expect(dialog.get_by_text("CRM objects")).to_be_visible()
        dialog.get_by_role("button", name="Export").click()

        expect(page).to_have_url(re.compile(rf"/a/{account.pk}/exports/$"))
        expect(page.get_by_text("Export requested")).to_be_visible()
        progress = page.locator("#export-jobs progress")
        expect(progress).to_be_visible(timeout=20_000)
        # The list polls while the export runs: the bar moves, then the file is ready.
        expect(progress).to_have_attribute("value", re.compile(r"^[1-9]\d*$"), timeout=20_000)
        download_button = page.locator("#export-jobs").get_by_role("link", name="Download")
        expect(download_button).to_be_visible(timeout=30_000)
        expect(page.locator("#export-jobs progress")).to_have_count(0)
        expect(page.locator("#export-jobs").get_by_text(f"{ROWS}", exact=True)).to_be_visible()

        page.reload()  # the bell's count comes with the page
        expect(page.locator("details.bell .bell-count")).to_have_text("1")
        page.locator("details.bell > summary").click()
        note = page.locator(".bell-menu").get_by_text(f"Your export is ready ({ROWS} rows)")
        expect(note).to_be_visible()
        with page.expect_download() as download_info:
            note.click()
        download = download_info.value
        assert worker.alive()
        # Opening it marked it read: the bell has nothing unread any more.
        page.reload()
        expect(page.locator("details.bell .bell-count")).to_have_count(0)
        expect(page.locator("#export-jobs [data-export-summary]")).to_have_text(
            "CRM objects · Any time"
        )

    assert re.match(rf"auditdesk-audit-log-{account.pk}-\d+-\d{{8}}-\d{{4}}\.csv$",
                    download.suggested_filename)  # fmt: skip
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Time,Category,Subcategory,Action,User email")
    assert len(lines) == ROWS + 1
    assert all("Deal " in line for line in lines[1:])
