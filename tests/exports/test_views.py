"""Export pages: the Export report dialog, my exports, downloads, and who may use each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Product, Role, Tier
from exports.models import EmailStatus, ExportJob, Kind, Status
from tests.exports.helpers import finished_job, job_of
from tests.factories import SubscriptionFactory, TeamFactory, account_with_tier, member_of
from tests.utils import events_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def dialog_url(account, query: str = "") -> str:
    return f"/a/{account.pk}/exports/new/" + (f"?{query}" if query else "")


def list_url(account) -> str:
    return f"/a/{account.pk}/exports/"


def download_url(account, job) -> str:
    return f"/a/{account.pk}/exports/{job.id}/download/"


def jobs_of(account) -> list[ExportJob]:
    with scopes_disabled():
        return list(ExportJob.objects.filter(account=account).order_by("id"))


# Who may open what -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["new/", "", "1/download/"])
def test_anonymous_people_are_sent_to_sign_in(client, account, path):
    response = client.get(f"/a/{account.pk}/exports/{path}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["new/", ""])
def test_a_member_without_audit_log_access_gets_no_access(
    client_for, account, member_without_access, path
):
    response = client_for(member_without_access).get(f"/a/{account.pk}/exports/{path}")
    assert response.status_code == 403


def test_a_member_without_audit_log_access_cannot_post_an_export(
    client_for, account, member_without_access
):
    response = client_for(member_without_access).post(dialog_url(account), {"view": "all"})
    assert response.status_code == 403
    assert jobs_of(account) == []


def test_a_member_of_another_account_gets_404_everywhere(
    client_for, account, other_account, super_admin
):
    theirs = member_of(other_account, role=Role.SUPER_ADMIN)
    job = finished_job(other_account, theirs)
    client = client_for(super_admin)

    for url in (
        dialog_url(other_account),
        list_url(other_account),
        download_url(other_account, job),
    ):
        assert client.get(url).status_code == 404
    assert client.post(dialog_url(other_account), {"view": "all"}).status_code == 404
    # Another account's job under one's own account is not found either.
    assert client.get(download_url(account, job)).status_code == 404
    assert jobs_of(other_account) == [job_of(job)]


# The dialog -------------------------------------------------------------------------------


def test_the_dialog_shows_what_will_be_exported(client_for, account, super_admin, record_event):
    for _ in range(3):
        record_event(account, actor=super_admin, category="crm_objects", action="delete")
    record_event(account, actor=super_admin, category="crm_objects", action="update")

    response = client_for(super_admin).get(
        dialog_url(account, "view=all&category=crm_objects&action=delete&date=30d"), **HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "This view: All logs" in content
    assert "CRM objects" in content and "Delete" in content and "Last 30 days" in content
    assert "about 3" in content
    for column in ("Time", "User email", "Object ID", "Approximate location", "URL"):
        assert column in content
    assert "CSV" in content
    assert "The whole log" in content
    assert 'name="category" value="crm_objects"' in content
    assert "<html" not in content  # the dialog partial for htmx


def test_without_script_the_dialog_is_a_page(client_for, account, super_admin):
    response = client_for(super_admin).get(dialog_url(account, "view=login&category=login"))
    assert response.status_code == 200
    assert b"<html" in response.content and b"This view: Login history" in response.content


def test_a_big_view_reads_more_than_ten_thousand(client_for, account, super_admin, monkeypatch):
    from exports import selectors

    monkeypatch.setattr(selectors, "bounded_count", lambda queryset: (10_000, True))
    response = client_for(super_admin).get(dialog_url(account, "view=all"))
    assert "more than 10,000" in response.content.decode()


def test_the_dialog_refuses_invalid_filters_with_the_reason(client_for, account, super_admin):
    response = client_for(super_admin).get(
        dialog_url(account, "view=all&date=custom&start=0001-01-01&end=2026-05-01"), **HTMX
    )
    content = response.content.decode()
    assert "This view cannot be exported" in content
    assert "Enter a date between 1970 and 9998." in content

    posted = client_for(super_admin).post(
        dialog_url(account),
        {"view": "all", "date": "custom", "start": "0001-01-01", "end": "2026-05-01"},
        **HTMX,
    )
    assert posted.status_code == 400
    assert "Enter a date between 1970 and 9998." in posted.content.decode()
    assert jobs_of(account) == []


def test_export_confirms_creates_the_job_and_redirects_to_the_exports_page(
    client_for, account, member, record_event
):
    record_event(account, actor=member, category="login", subcategory="login_succeeded",
                 action="login")  # fmt: skip
    client = client_for(member)

    response = client.post(
        dialog_url(account), {"view": "login", "category": "login", "date": "7d"}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == list_url(account)
    [job] = jobs_of(account)
    assert job.requester == member and job.status == Status.PENDING
    assert job.view_name == "Login history" and job.filters == {"category": "login", "date": "7d"}
    [event] = events_of(account, category="security_activity", subcategory="export")
    assert event.metadata["export_job_id"] == job.id
    assert event.url.startswith(f"/a/{account.pk}/audit-logs/?view=login")
    page = client.get(list_url(account)).content.decode()
    assert "Export requested" in page


def test_export_without_script_redirects(client_for, account, super_admin):
    response = client_for(super_admin).post(dialog_url(account), {"view": "all", "scope": "all"})
    assert response.status_code == 302 and response["Location"] == list_url(account)
    [job] = jobs_of(account)
    assert job.whole_log and job.filters == {} and job.period_start is None


def test_content_activity_is_refused_on_the_server_without_content_enterprise(client_for):
    account = account_with_tier(Tier.ENTERPRISE, products=(Product.SALES,))
    SubscriptionFactory(account=account, product=Product.CONTENT, tier=Tier.STARTER)
    admin = member_of(account, role=Role.SUPER_ADMIN)
    client = client_for(admin)

    response = client.post(
        dialog_url(account), {"view": "all", "category": "content_activity"}, **HTMX
    )

    assert response.status_code == 400
    assert "Content Enterprise" in response.content.decode()
    assert jobs_of(account) == []
    whole = client.get(dialog_url(account, "view=all")).content.decode()
    assert "Content activity is not included" in whole


def test_the_audit_log_page_offers_export_report_with_its_state(client_for, account, super_admin):
    response = client_for(super_admin).get(
        f"/a/{account.pk}/audit-logs/?view=all&category=login&date=7d"
    )
    content = response.content.decode()
    assert 'id="export-report"' in content
    assert f"/a/{account.pk}/exports/new/?view=all&amp;category=login&amp;date=7d" in content


def test_filtering_with_htmx_keeps_the_export_button_in_step(client_for, account, super_admin):
    response = client_for(super_admin).get(
        f"/a/{account.pk}/audit-logs/?view=all&category=login&date=7d",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="log-results",
    )
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="export-report"' in content and 'hx-swap-oob="true"' in content
    assert "exports/new/?view=all&amp;category=login&amp;date=7d" in content


def test_the_sidenav_links_the_exports_page(client_for, account, super_admin):
    content = client_for(super_admin).get(list_url(account)).content.decode()
    assert f'href="{list_url(account)}" aria-current="page"' in content


# My exports -------------------------------------------------------------------------------


def test_the_exports_page_lists_only_my_exports(client_for, account, super_admin, member):
    mine = finished_job(account, super_admin, view_name="My weekly logins")
    finished_job(account, member, view_name="Grace's export")

    content = client_for(super_admin).get(list_url(account)).content.decode()

    assert "My weekly logins" in content and "Grace&#x27;s export" not in content
    assert download_url(account, mine) in content
    assert 'hx-trigger="every 2s"' not in content  # nothing running: no polling


def test_each_export_says_what_it_holds(client_for, account, super_admin):
    finished_job(
        account, super_admin, view_name="All logs",
        filters={"category": "crm_objects", "action": "delete", "date": "7d"},
    )  # fmt: skip
    finished_job(account, super_admin, view_name="Security activity", whole_log=True)
    finished_job(account, super_admin, view_name="Employee access history",
                 kind=Kind.EMPLOYEE_ACCESS, filters={"days": 90})  # fmt: skip

    content = client_for(super_admin).get(list_url(account)).content.decode()

    summaries = re.findall(r"<div class=\"muted small\" data-export-summary>([^<]*)</div>", content)
    assert summaries == [
        "Last 90 days",
        "Every category, any time",
        "CRM objects · Delete · Last 7 days",
    ]


def test_a_running_export_shows_progress_and_the_list_polls(client_for, account, super_admin):
    with scope(account=account):
        ExportJob.objects.create(
            account=account, requester=super_admin, view_name="Big one",
            status=Status.RUNNING, progress_percent=42, rows_written=4200,
        )  # fmt: skip

    client = client_for(super_admin)
    content = client.get(list_url(account)).content.decode()
    assert 'hx-trigger="every 2s"' in content
    assert '<progress max="100" value="42"' in content
    partial = client.get(list_url(account), **HTMX).content.decode()
    assert partial.startswith('\n<div id="export-jobs"') or 'id="export-jobs"' in partial[:80]
    assert "<html" not in partial


def test_an_undelivered_email_shows_on_the_exports_page(client_for, account, super_admin):
    finished_job(account, super_admin, email_status=EmailStatus.FAILED)
    content = client_for(super_admin).get(list_url(account)).content.decode()
    assert "Email not delivered" in content and "Download" in content


def _jobs_naming_people(account, requester, count: int, start: int) -> None:
    """Done, running, failed and whole-log jobs whose filters name a person and a team."""
    with scopes_disabled():
        for i in range(start, start + count):
            person = member_of(account, full_name=f"Person {i:02d}")
            team = TeamFactory(account=account, name=f"Squad {i:02d}")
            filters = {"actor": [f"u{person.pk}", f"t{team.id}"], "date": "7d"}
            finished_job(account, requester, view_name=f"Done {i:02d}", filters=filters)
            ExportJob.objects.create(
                account=account, requester=requester, view_name=f"Running {i:02d}",
                filters=filters, status=Status.RUNNING, progress_percent=i,
            )  # fmt: skip
            ExportJob.objects.create(
                account=account, requester=requester, view_name=f"Failed {i:02d}",
                filters=filters, status=Status.FAILED, error="Disk full",
            )  # fmt: skip
            finished_job(account, requester, view_name=f"Whole {i:02d}", whole_log=True)


def _queries_of(client, url: str, **headers) -> tuple[int, str]:
    client.get(url, **headers)  # caches warm: sessions, entitlements, the account switcher
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "poll"])
def test_the_exports_page_and_its_poll_cost_the_same_for_one_job_or_ten(
    client_for, account, super_admin, headers
):
    client = client_for(super_admin)
    _jobs_naming_people(account, super_admin, 1, start=0)
    with_one, content = _queries_of(client, list_url(account), **headers)
    assert "Person 00, Squad 00 · Last 7 days" in content and 'hx-trigger="every 2s"' in content

    _jobs_naming_people(account, super_admin, 9, start=1)
    with_ten, content = _queries_of(client, list_url(account), **headers)

    summaries = re.findall(r"data-export-summary>([^<]*)</div>", content)
    assert sum("Person" in s and "Squad" in s for s in summaries) == 30
    assert content.count(">Download</a>") == 20 and content.count("<progress") == 10
    assert with_ten == with_one


# Downloads --------------------------------------------------------------------------------


def test_the_requester_downloads_the_file_and_the_download_is_recorded(
    client_for, account, super_admin
):
    job = finished_job(account, super_admin, content=b"\xef\xbb\xbfTime\nhello\n")

    response = client_for(super_admin).get(download_url(account, job), REMOTE_ADDR="81.2.69.142")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfTime\nhello\n"
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f'filename="auditdesk-audit-log-{account.pk}-{job.id}-' in response["Content-Disposition"]
    )
    [event] = events_of(account, subcategory="export", action="download")
    assert event.actor_user_id == super_admin.pk and event.object_id == str(job.id)
    assert event.country == "United Kingdom"


def test_a_member_allowed_to_see_the_export_event_may_download_it(
    client_for, account, super_admin, member, record_event
):
    event = record_event(account, actor=super_admin, category="security_activity",
                         subcategory="export", action="export")  # fmt: skip
    job = finished_job(account, super_admin, event_id=event.id)

    assert client_for(member).get(download_url(account, job)).status_code == 200


def test_without_a_visible_export_event_only_the_requester_downloads(
    client_for, account, super_admin, member
):
    job = finished_job(account, super_admin, event_id=None)
    assert client_for(member).get(download_url(account, job)).status_code == 404
    assert client_for(super_admin).get(download_url(account, job)).status_code == 200


def test_employee_access_history_is_downloaded_by_super_admins_only(
    client_for, account, super_admin, member, record_event
):
    """Exporting it is a super admin's right (SPEC S1, S10); its Export event is visible to
    everyone with audit-log access, which must not make the file theirs too."""
    event = record_event(account, actor=super_admin, category="security_activity",
                         subcategory="export", action="export")  # fmt: skip
    job = finished_job(account, super_admin, kind=Kind.EMPLOYEE_ACCESS, event_id=event.id)
    other_admin = member_of(account, role=Role.SUPER_ADMIN, email="root@northwind.test")

    assert client_for(member).get(download_url(account, job)).status_code == 404
    assert client_for(other_admin).get(download_url(account, job)).status_code == 200
    assert client_for(super_admin).get(download_url(account, job)).status_code == 200
    with scopes_disabled():
        Membership.objects.filter(account=account, user=super_admin).update(
            role=Role.ADMIN, audit_log_access=True
        )
    assert client_for(super_admin).get(download_url(account, job)).status_code == 404


def test_a_member_without_audit_log_access_cannot_download_even_with_the_link(
    client_for, account, super_admin, member_without_access
):
    job = finished_job(account, super_admin)
    response = client_for(member_without_access).get(download_url(account, job))
    assert response.status_code == 403
    assert events_of(account, action="download") == []


def test_an_expired_link_answers_410(client_for, account, super_admin):
    job = finished_job(account, super_admin, expires_in=dt.timedelta(seconds=-1))
    response = client_for(super_admin).get(download_url(account, job))
    assert response.status_code == 410
    assert b"This export has expired" in response.content
    assert events_of(account, action="download") == []


def test_an_expired_job_whose_file_was_deleted_answers_410(client_for, account, super_admin):
    job = finished_job(account, super_admin)
    default_storage.delete(job.file.name)
    with scopes_disabled():
        ExportJob.objects.filter(id=job.id).update(status=Status.EXPIRED, file="")
    assert client_for(super_admin).get(download_url(account, job)).status_code == 410


def test_an_export_that_is_not_ready_cannot_be_downloaded(client_for, account, super_admin):
    with scope(account=account):
        job = ExportJob.objects.create(account=account, requester=super_admin)
    assert client_for(super_admin).get(download_url(account, job)).status_code == 409


def test_the_export_event_panel_offers_the_download(client_for, account, super_admin, record_event):
    event = record_event(account, actor=super_admin, category="security_activity",
                         subcategory="export", action="export",
                         metadata={"export_job_id": 4242})  # fmt: skip
    other = record_event(account, actor=super_admin, category="security_activity",
                         subcategory="export", action="export")  # fmt: skip
    client = client_for(super_admin)

    panel = client.get(f"/a/{account.pk}/audit-logs/events/{event.id}/", **HTMX).content.decode()
    plain = client.get(f"/a/{account.pk}/audit-logs/events/{other.id}/", **HTMX).content.decode()

    assert "Download exported file" in panel
    assert f"/a/{account.pk}/exports/4242/download/" in panel
    assert "Download exported file" not in plain


def test_the_employee_access_export_panel_offers_the_download_to_super_admins_only(
    client_for, account, super_admin, member, record_event
):
    event = record_event(account, actor=super_admin, category="security_activity",
                         subcategory="export", action="export",
                         metadata={"export_job_id": 4243, "kind": "employee_access"})  # fmt: skip
    url = f"/a/{account.pk}/audit-logs/events/{event.id}/"

    assert "Download exported file" in client_for(super_admin).get(url, **HTMX).content.decode()
    seen_by_member = client_for(member).get(url, **HTMX)
    assert seen_by_member.status_code == 200
    assert "Download exported file" not in seen_by_member.content.decode()


def test_the_download_link_of_another_account_in_an_event_is_no_authority(
    client_for, account, other_account, super_admin
):
    stranger = member_of(other_account, role=Role.SUPER_ADMIN)
    job = finished_job(other_account, stranger)
    # Even a super admin of this account, following a crafted link to the other's job id:
    assert client_for(super_admin).get(download_url(account, job)).status_code == 404
