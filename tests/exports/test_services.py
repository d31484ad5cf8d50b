"""Export services: request (validation, content gate, frozen filters, audit event), the run
(claim, CSV over COPY, neutralised cells, gzip, delivery), employee access history, download,
sweep and expiry.

Tests that run an export use real transactions: the run writes its heartbeat through a second
database connection, which only sees committed rows (as in production).
"""

from __future__ import annotations

import datetime as dt
import gzip
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import formats, timezone
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import Department, Product, Role, Tier
from auditlog.services import Actor, EventInput, event_record
from exports import services
from exports.models import EmailStatus, ExportJob, Kind, Status
from exports.selectors import ExportRefused, export_plan
from exports.services import (
    export_claim,
    export_email_deliver,
    export_employee_access_request,
    export_fail,
    exports_expire,
    exports_sweep,
)
from exports.writers import FORMULA_TRIGGERS, neutralise
from notifications import delivery
from notifications.jobs import JobHeartbeat
from notifications.models import Kind as NotificationKind
from notifications.models import Notification
from tests.exports.helpers import (
    file_bytes,
    finished_job,
    job_of,
    membership,
    parse,
    request_export,
    rows_of,
    run,
    stored_files,
)
from tests.factories import (
    EmployeeFactory,
    SubscriptionFactory,
    TeamFactory,
    TeamMemberFactory,
    account_with_tier,
    member_of,
)
from tests.utils import events_of

committed = pytest.mark.django_db(transaction=True)


def claim(job: ExportJob, **kwargs) -> int | None:
    with scope(account=job.account):
        return export_claim(job=job, **kwargs)


def notifications_of(account, user) -> list[Notification]:
    with scope(account=account):
        return list(Notification.objects.filter(account=account, recipient=user).order_by("id"))


# Requesting -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_writes_the_job_and_its_audit_event_and_enqueues_the_run_on_commit(
    account, super_admin, record_event, enqueued, django_capture_on_commit_callbacks
):
    record_event(account, actor=super_admin, object_label="Acme renewal")
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(
            account, super_admin, {"date": "30d", "category": "crm_objects"}, now=now,
            ip="81.2.69.142", user_agent="Mozilla/5.0",
        )  # fmt: skip

    job = job_of(job)
    assert job.status == Status.PENDING and job.kind == Kind.AUDIT_LOG
    assert job.requester == super_admin
    assert job.filters == {"category": "crm_objects", "date": "30d"}
    # The preset is frozen to the instants the person saw, not re-read when the worker runs.
    assert job.period_start == now - dt.timedelta(days=30)
    assert job.period_end == now
    assert job.estimated_rows == 1
    [event] = events_of(account, category="security_activity", subcategory="export")
    assert event.action == "export" and event.actor_user_id == super_admin.pk
    assert event.object_id == str(job.id) and job.event_id == event.id
    assert event.metadata["export_job_id"] == job.id
    assert event.metadata["filters"] == {"category": "crm_objects", "date": "30d"}
    assert event.metadata["rows_estimate"] == 1
    assert event.country == "United Kingdom"
    assert enqueued == [("exports.tasks.export_run", [account.pk, job.id])]


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_request_rolls_back(account, super_admin, enqueued):
    with pytest.raises(ExportRefused):
        request_export(account, super_admin, {"category": "no_such_category"})
    with scopes_disabled():
        assert not ExportJob.objects.exists()
    assert enqueued == []
    assert events_of(account, subcategory="export") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"category": "no_such_category"}, "Category"),
        ({"category": "login", "subcategory": "deal"}, "Subcategory"),
        ({"action": "explode"}, "Action"),
        ({"date": "custom", "start": "2026-05-10", "end": "9999-12-31"}, "To"),
        ({"date": "custom", "start": "yesterday"}, "From"),
        ({"actor": ["u999999"]}, "Changed by"),
    ],
)
def test_invalid_filters_are_refused_with_the_reason(account, super_admin, filters, field):
    with pytest.raises(ExportRefused) as refused:
        request_export(account, super_admin, filters)

    assert field in refused.value.reasons
    assert all(refused.value.reasons[field])
    with scopes_disabled():
        assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_person_of_another_account_cannot_be_filtered_on(account, other_account, super_admin):
    stranger = member_of(other_account, role=Role.SUPER_ADMIN)
    with pytest.raises(ExportRefused) as refused:
        request_export(account, super_admin, {"actor": [f"u{stranger.pk}"]})
    assert "Changed by" in refused.value.reasons


@pytest.mark.django_db
def test_a_member_without_audit_log_access_cannot_request(account, member_without_access):
    with pytest.raises(PermissionDenied):
        request_export(account, member_without_access)


@pytest.mark.django_db
def test_a_gated_category_is_refused_below_enterprise(starter_account):
    admin = member_of(starter_account, role=Role.SUPER_ADMIN)
    with pytest.raises(ExportRefused) as refused:
        request_export(starter_account, admin, {"category": "workflows"})
    assert "Category" in refused.value.reasons


# The content gate ---------------------------------------------------------------------------


@pytest.fixture
def enterprise_without_content(db):
    """Enterprise on Sales and Marketing, Content only at Professional."""
    with scopes_disabled():
        account = account_with_tier(
            Tier.ENTERPRISE, products=(Product.SALES, Product.MARKETING), name="No Content Inc"
        )
        SubscriptionFactory(account=account, product=Product.CONTENT, tier=Tier.PROFESSIONAL)
    return account


@pytest.mark.django_db
def test_content_activity_needs_content_enterprise_in_the_service(enterprise_without_content):
    admin = member_of(enterprise_without_content, role=Role.SUPER_ADMIN)

    with pytest.raises(ExportRefused) as refused:
        request_export(enterprise_without_content, admin, {"category": "content_activity"})

    assert "Content Enterprise" in " ".join(refused.value.reasons["Category"])
    assert events_of(enterprise_without_content, subcategory="export") == []


@committed
def test_the_whole_log_without_content_enterprise_leaves_content_out(
    enterprise_without_content, record_event
):
    admin = member_of(enterprise_without_content, role=Role.SUPER_ADMIN)
    record_event(enterprise_without_content, actor=admin, category="content_activity",
                 subcategory="page", action="update", object_label="Pricing page")  # fmt: skip
    record_event(enterprise_without_content, actor=admin, object_label="Acme contact")

    with scope(account=enterprise_without_content):
        plan = export_plan(
            account=enterprise_without_content,
            membership=membership(enterprise_without_content, admin),
            filters={},
            view_name="All logs",
            whole_log=True,
        )
    assert plan.content_excluded
    assert any("Content activity is not included" in note for note in plan.notes)

    job = request_export(enterprise_without_content, admin, whole_log=True)
    assert run(job)

    labels = [row["Object"] for row in rows_of(job)]
    assert "Acme contact" in labels
    assert "Pricing page" not in labels


@committed
def test_with_content_enterprise_content_activity_is_exported(account, super_admin, record_event):
    record_event(account, actor=super_admin, category="content_activity", subcategory="page",
                 action="update", object_label="Pricing page")  # fmt: skip

    job = request_export(account, super_admin, {"category": "content_activity"})
    assert run(job)

    assert [row["Object"] for row in rows_of(job)] == ["Pricing page"]
    assert not job_of(job).content_excluded


# Running: the CSV -------------------------------------------------------------------------


@committed
def test_the_csv_holds_the_seed_columns_and_more_in_the_requesters_time_zone(
    account, super_admin, record_event
):
    super_admin.time_zone = "Asia/Kolkata"
    super_admin.save(update_fields=["time_zone"])
    team = TeamFactory(account=account, name="Revenue")
    TeamMemberFactory(team=team, user=super_admin)
    when = dt.datetime(2026, 11, 20, 8, 0, 5, tzinfo=dt.UTC)
    record_event(
        account, actor=super_admin, category="crm_objects", subcategory="deal", action="delete",
        object_type="deal", object_id="4711", object_label="Acme, \"big\" renewal",
        ip="81.2.69.142", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
        url="/a/1/crm/records/4711/", occurred_at=when,
    )  # fmt: skip

    job = request_export(account, super_admin, {})
    assert run(job)

    [row] = rows_of(job)
    assert row["Time"] == "2026-11-20T13:30:05+05:30"
    assert row["Category"] == "CRM objects"
    assert row["Subcategory"] == "Deal"
    assert row["Action"] == "Delete"
    assert row["User email"] == "ada@northwind.test"
    assert row["User name"] == "Ada Lovelace"
    assert row["Teams"] == "Revenue"
    assert row["Object type"] == "deal"
    assert row["Object ID"] == "4711"
    assert row["Object"] == 'Acme, "big" renewal'
    assert row["Approximate location"].endswith("United Kingdom")
    assert row["IP address"] == "81.2.69.142"
    assert row["User agent"].startswith("Mozilla/5.0 (X11")
    assert row["URL"] == "http://127.0.0.1:8000/a/1/crm/records/4711/"
    assert row["Event ID"].isdigit()
    job = job_of(job)
    assert job.status == Status.DONE and job.rows_written == 1 and job.progress_percent == 100
    assert job.file_size == default_storage.size(job.file.name) and not job.gzipped
    assert job.expires_at == job.finished_at + dt.timedelta(days=7)


@committed
def test_rows_come_newest_first_and_only_from_the_frozen_period(
    account, other_account, super_admin, record_event
):
    now = timezone.now()
    for days, label in ((40, "Too old"), (20, "Older"), (2, "Newer")):
        record_event(account, actor=super_admin, object_label=label,
                     occurred_at=now - dt.timedelta(days=days))  # fmt: skip
    stranger = member_of(other_account, role=Role.SUPER_ADMIN)
    record_event(other_account, actor=stranger, object_label="Globex secret")

    job = request_export(account, super_admin, {"date": "30d"}, now=now)
    # Recorded after the request: not what the person saw.
    record_event(account, actor=super_admin, object_label="Later",
                 occurred_at=now + dt.timedelta(seconds=5))  # fmt: skip
    assert run(job)

    assert [row["Object"] for row in rows_of(job)] == ["Newer", "Older"]


@committed
def test_filters_of_the_view_apply(account, super_admin, member, record_event):
    record_event(account, actor=super_admin, action="delete", object_label="Ada deleted")
    record_event(account, actor=member, action="delete", object_label="Grace deleted")
    record_event(account, actor=member, action="update", object_label="Grace updated")

    job = request_export(account, super_admin, {"action": "delete", "actor": [f"u{member.pk}"]})
    assert run(job)

    assert [row["Object"] for row in rows_of(job)] == ["Grace deleted"]


@committed
def test_formula_cells_are_neutralised_in_every_text_column(account, super_admin, record_event):
    hostile = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR",
               "\nLF", "plain, with comma", "quote \" inside"]  # fmt: skip
    for text in hostile:
        record_event(account, actor=super_admin, object_label=text, object_id=text[:60],
                     object_type=text[:40], url=text, user_agent=text)  # fmt: skip
    event_record(
        account=account,
        entry=EventInput(category="login", subcategory="login_failed", action="login",
                         actor=Actor.of_user(super_admin), actor_email="=cmd|' /C calc'!A0"),
    )  # fmt: skip

    job = request_export(account, super_admin, {})
    assert run(job)

    rows = rows_of(job)
    by_label = {row["Object"].removeprefix("'"): row for row in rows if row["Object"]}
    for text in hostile:
        row = by_label[text]
        expected = neutralise(text)
        for column in ("Object", "Object ID", "Object type", "URL", "User agent"):
            original = {"Object ID": text[:60], "Object type": text[:40]}.get(column, text)
            assert row[column] == neutralise(original), (column, text)
        assert expected[0] not in FORMULA_TRIGGERS
    [failed_login] = [row for row in rows if row["Category"] == "Login"]
    assert failed_login["User email"] == "'=cmd|' /C calc'!A0"
    for row in rows:
        for value in row.values():
            assert value[:1] not in FORMULA_TRIGGERS


# Text a person might type, minus NUL (PostgreSQL text cannot hold it).
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)


@committed
@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(any_text, min_size=1, max_size=8))
def test_export_then_parse_round_trips_any_text(account, super_admin, texts):
    """Whatever text an event holds, in any free-text column, the parsed cell is that text, or
    `'` + text when it starts like a formula: nothing is lost, nothing runs."""
    marker = f"rt-{uuid.uuid4().hex[:12]}"
    for i, text in enumerate(texts):
        event_record(
            account=account,
            entry=EventInput(category="crm_objects", subcategory="contact", action="update",
                             actor=Actor.of_user(super_admin), actor_email=text,
                             object_label=text, object_type=text[:40], login_type=text[:40],
                             user_agent=text, url=text, object_id=f"{marker}-{i}"),
        )  # fmt: skip

    job = request_export(account, super_admin, {})
    assert run(job)

    rows = {row["Object ID"]: row for row in rows_of(job) if row["Object ID"].startswith(marker)}
    assert len(rows) == len(texts)
    for i, text in enumerate(texts):
        row = rows[f"{marker}-{i}"]
        expected = {
            "Object": text,
            "User email": text or super_admin.email,  # no override: the actor's own
            "User agent": text,
            "Object type": text[:40],
            "Login type": text[:40],
        }
        for column, original in expected.items():
            cell = row[column]
            assert cell == neutralise(original), (column, original)
            assert cell[:1] not in FORMULA_TRIGGERS
        # A site-relative link is made absolute (it then starts with the scheme).
        if text.startswith("/") and not text.startswith("//"):
            assert row["URL"] == django_settings.SITE_URL + text
        else:
            assert row["URL"] == neutralise(text)


@committed
def test_an_empty_result_is_a_header_only_csv_and_the_notification_says_0_rows(
    account, super_admin
):
    job = request_export(account, super_admin, {"category": "workflows"})
    assert run(job)

    header, *rows = parse(file_bytes(job))
    assert rows == []
    assert header[:6] == ["Time", "Category", "Subcategory", "Action", "User email", "User name"]
    [note] = notifications_of(account, super_admin)
    assert note.kind == NotificationKind.EXPORT_READY
    assert note.title == "Your export is ready (0 rows)"
    assert "column headers only" in note.body
    assert note.url == f"/a/{account.pk}/exports/{job.id}/download/"


@committed
def test_large_files_are_gzipped(account, super_admin, record_event, settings):
    settings.EXPORT_GZIP_MIN_ROWS = 3
    for i in range(3):
        record_event(account, actor=super_admin, object_label=f"Row {i}")

    job = request_export(account, super_admin, {})
    assert run(job)

    job = job_of(job)
    assert job.gzipped and job.file.name.endswith(".csv.gz")
    with default_storage.open(job.file.name, "rb") as handle:
        raw = handle.read()
    assert len(parse(gzip.decompress(raw))) == 4


@committed
def test_done_delivers_a_notification_and_enqueues_the_email(
    account, super_admin, record_event, enqueued
):
    record_event(account, actor=super_admin, object_label="Row 1")
    record_event(account, actor=super_admin, object_label="Row 2")

    job = request_export(account, super_admin, {})
    assert run(job)

    [note] = notifications_of(account, super_admin)
    assert note.title == "Your export is ready (2 rows)"
    assert note.email_status == ""  # the export sends its own email
    assert ("exports.tasks.export_email_send", [account.pk, job.id]) in enqueued
    assert job_of(job).email_status == EmailStatus.PENDING


@committed
def test_a_second_run_of_the_same_job_makes_no_second_file(account, super_admin, record_event):
    record_event(account, actor=super_admin, object_label="Only once")
    job = request_export(account, super_admin, {})

    assert run(job) is True
    assert run(job) is False

    assert len(stored_files(account)) == 1
    assert len(notifications_of(account, super_admin)) == 1
    assert job_of(job).attempts == 1


# Claiming ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_claim_takes_a_pending_job_once(account, super_admin):
    job = request_export(account, super_admin, {})
    assert claim(job) == 1
    assert claim(job) is None
    assert job_of(job).status == Status.RUNNING


@pytest.mark.django_db
def test_a_running_job_with_a_stale_heartbeat_is_taken_over(account, super_admin, settings):
    job = request_export(account, super_admin, {})
    assert claim(job) == 1
    later = timezone.now() + dt.timedelta(seconds=settings.EXPORT_STALE_AFTER_S + 1)

    assert claim(job, now=later) == 2
    assert job_of(job).attempts == 2


@pytest.mark.django_db
def test_no_claim_after_the_last_attempt(account, super_admin, settings):
    job = request_export(account, super_admin, {})
    with scopes_disabled():
        ExportJob.objects.filter(id=job.id).update(attempts=settings.EXPORT_MAX_ATTEMPTS)
    assert claim(job) is None


@committed
def test_a_run_that_lost_its_claim_stops_and_stores_nothing(account, super_admin, record_event):
    record_event(account, actor=super_admin, object_label="Contested")
    job = request_export(account, super_admin, {})
    token = claim(job)
    heartbeat = services._heartbeat(job_of(job), token, total=10)
    try:
        heartbeat(1)  # ours: fine
        later = timezone.now() + dt.timedelta(minutes=10)
        assert claim(job, now=later) == token + 1  # another run took over
        with pytest.raises(services.writers.Lost):
            heartbeat(2)
    finally:
        heartbeat.close()


@committed
def test_the_heartbeat_beats_while_no_rows_come_and_notices_a_takeover(account, super_admin):
    job = request_export(account, super_admin, {})
    token = claim(job)
    with scopes_disabled():
        ExportJob.objects.filter(id=job.id).update(
            heartbeat_at=timezone.now() - dt.timedelta(hours=1)
        )
    heartbeat = services._heartbeat(job_of(job), token, total=10, pulse=0.1)
    try:
        # Nothing is streamed (a slow count, or PostgreSQL preparing the first row)...
        deadline = time.monotonic() + 5
        while job_of(job).heartbeat_at < timezone.now() - dt.timedelta(minutes=1):
            assert time.monotonic() < deadline, "no heartbeat while waiting"
            time.sleep(0.05)
        # ...and a run that took the job over stops this one at its next progress report.
        later = timezone.now() + dt.timedelta(minutes=10)
        assert claim(job, now=later) == token + 1
        deadline = time.monotonic() + 5
        while not heartbeat.lost:
            assert time.monotonic() < deadline, "the takeover went unnoticed"
            time.sleep(0.05)
        with pytest.raises(services.writers.Lost):
            heartbeat(1)
    finally:
        heartbeat.close()
    assert not heartbeat.thread.is_alive()
    assert job_of(job).rows_written == 0  # the new run's row, untouched


@committed
def test_progress_and_heartbeat_are_written_while_the_rows_stream(
    account, super_admin, record_event, settings, monkeypatch
):
    settings.EXPORT_PROGRESS_INTERVAL_S = 0
    for i in range(5):
        record_event(account, actor=super_admin, object_label=f"Row {i}")
    seen: list[tuple[int, int]] = []
    original = JobHeartbeat.__call__

    def spy(self, rows: int) -> None:
        original(self, rows)
        # Read back through the heartbeat's connection: the export's own is busy with COPY.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT rows_written, progress_percent FROM exports_exportjob WHERE id = %s",
                [self.job.id],
            )
            seen.append(cursor.fetchone())

    monkeypatch.setattr(JobHeartbeat, "__call__", spy)
    job = request_export(account, super_admin, {})
    assert run(job)

    assert seen[:5] == [(1, 20), (2, 40), (3, 60), (4, 80), (5, 99)]


@committed
def test_a_rate_cap_spreads_the_rows_over_time(account, super_admin, record_event, settings):
    settings.EXPORT_MAX_ROWS_PER_SECOND = 20
    for i in range(6):
        record_event(account, actor=super_admin, object_label=f"Row {i}")
    job = request_export(account, super_admin, {})
    started = time.monotonic()
    assert run(job)
    # Six rows at 20 a second cannot take less than 0.3 s (the cap is a floor, not a speed claim).
    assert time.monotonic() - started >= 0.3
    assert job_of(job).rows_written == 6


# Failing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_job_notifies_the_requester_with_the_reason(account, super_admin):
    job = request_export(account, super_admin, {})

    with scope(account=account):
        assert export_fail(job=job_of(job), reason="The database went away.")
        assert not export_fail(job=job_of(job), reason="again")

    job = job_of(job)
    assert job.status == Status.FAILED and job.error == "The database went away."
    [note] = notifications_of(account, super_admin)
    assert note.kind == NotificationKind.EXPORT_FAILED
    assert note.body == "The database went away."
    assert note.url == f"/a/{account.pk}/exports/"


# Email ------------------------------------------------------------------------------------


@committed
def test_the_email_has_the_link_and_the_small_file_attached(account, super_admin, record_event):
    record_event(account, actor=super_admin, object_label="Mailed row")
    job = request_export(account, super_admin, {})
    assert run(job)

    with scope(account=account):
        assert export_email_deliver(job=job_of(job)) is True
        assert export_email_deliver(job=job_of(job)) is False  # once

    [message] = mail.outbox
    assert message.to == [super_admin.email]
    link = f"{django_settings.SITE_URL}/a/{account.pk}/exports/{job.id}/download/"
    assert link in message.body
    [(html, _type)] = message.alternatives
    assert f'href="{link}"' in html
    expires = formats.date_format(
        timezone.localtime(job_of(job).expires_at, ZoneInfo(job_of(job).time_zone)),
        "DATETIME_FORMAT",
    )
    assert f"Available until: {expires}\n" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename.startswith(f"auditdesk-audit-log-{account.pk}-{job.id}-")
    assert mimetype == "text/csv"
    assert "Mailed row" in content if isinstance(content, str) else b"Mailed row" in content
    assert job_of(job).email_status == EmailStatus.SENT


@committed
def test_a_big_file_is_linked_not_attached(account, super_admin, record_event, settings):
    settings.EXPORT_ATTACH_MAX_BYTES = 10
    record_event(account, actor=super_admin, object_label="Too big to attach")
    job = request_export(account, super_admin, {})
    assert run(job)

    with scope(account=account):
        export_email_deliver(job=job_of(job))

    [message] = mail.outbox
    assert message.attachments == []
    assert f"/a/{account.pk}/exports/{job.id}/download/" in message.body


class BrokenEmail(ConnectionError):
    """The mail server out of reach: an outage, worth another try."""


@committed
def test_email_failures_count_attempts_then_the_job_stays_done_with_email_failed(
    account, super_admin, record_event, monkeypatch
):
    record_event(account, actor=super_admin, object_label="Undeliverable")
    job = request_export(account, super_admin, {})
    assert run(job)

    def refuse(*, message) -> None:
        raise BrokenEmail("mail server down")

    monkeypatch.setattr(delivery, "email_send", refuse)
    with scope(account=account):
        for attempt in range(1, delivery.MAX_EMAIL_ATTEMPTS + 1):
            with pytest.raises(BrokenEmail):
                export_email_deliver(job=job_of(job))
            assert job_of(job).email_attempts == attempt

        job = job_of(job)
        assert job.status == Status.DONE and job.email_status == EmailStatus.FAILED
        assert job.is_downloadable
        assert export_email_deliver(job=job) is False


# Employee access history (SPEC S10) -----------------------------------------------------


@committed
def test_employee_access_history_exports_employee_logins_of_the_last_90_days(
    starter_account, record_event
):
    admin = member_of(starter_account, role=Role.SUPER_ADMIN, full_name="Peter Gibbons")
    support = EmployeeFactory(full_name="Sam Support", department=Department.CUSTOMER_SUPPORT)
    engineer = EmployeeFactory(full_name="Eve Engineer", department=Department.ENGINEERING)
    now = timezone.now()

    def login(employee, days_ago: float, subcategory="login_succeeded") -> None:
        event_record(
            account=starter_account,
            entry=EventInput(category="login", subcategory=subcategory, action="login",
                             actor=Actor.of_employee(employee), ip="89.160.20.112",
                             occurred_at=now - dt.timedelta(days=days_ago)),
        )  # fmt: skip

    login(support, 3)
    login(engineer, 80)
    login(engineer, 95)  # older than 90 days
    login(support, 1, subcategory="login_failed")
    record_event(starter_account, actor=admin, category="login", subcategory="login_succeeded",
                 action="login")  # a member's login is not an employee's  # fmt: skip

    with scope(account=starter_account):
        job = export_employee_access_request(
            account=starter_account, membership=membership(starter_account, admin), now=now
        )
    assert job.kind == Kind.EMPLOYEE_ACCESS
    assert run(job)

    header, *rows = parse(file_bytes(job))
    assert header == ["Login time", "Employee", "Email", "Department", "IP address",
                      "Approximate location", "Login type"]  # fmt: skip
    assert [(r[1], r[3]) for r in rows] == [
        ("Sam Support", "Customer Support"),
        ("Eve Engineer", "Engineering"),
    ]
    assert rows[0][5].endswith("Sweden")
    [event] = events_of(starter_account, subcategory="export")
    assert event.metadata["export_job_id"] == job.id
    assert event.metadata["kind"] == "employee_access"
    [note] = notifications_of(starter_account, admin)
    assert note.title == "Your export is ready (2 rows)"


@pytest.mark.django_db
def test_only_super_admins_export_employee_access_history(account, member):
    with scope(account=account), pytest.raises(PermissionDenied):
        export_employee_access_request(account=account, membership=membership(account, member))


# Sweep and expiry -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_re_enqueues_jobs_the_broker_lost_and_hands_on_dead_workers_jobs(
    account, super_admin, enqueued, settings
):
    waiting = request_export(account, super_admin, {})
    fresh = request_export(account, super_admin, {})
    dead = request_export(account, super_admin, {})
    worn_out = request_export(account, super_admin, {})
    long_ago = timezone.now() - dt.timedelta(hours=1)
    with scopes_disabled():
        ExportJob.objects.filter(id=waiting.id).update(created_at=long_ago)
        ExportJob.objects.filter(id=dead.id).update(
            status=Status.RUNNING, heartbeat_at=long_ago, attempts=1
        )
        ExportJob.objects.filter(id=worn_out.id).update(
            status=Status.RUNNING, heartbeat_at=long_ago, attempts=settings.EXPORT_MAX_ATTEMPTS
        )
    enqueued.clear()

    counts = exports_sweep()

    assert counts == {"enqueued": 2, "failed": 1, "emails": 0}
    assert sorted(enqueued) == sorted(
        [
            ("exports.tasks.export_run", [account.pk, waiting.id]),
            ("exports.tasks.export_run", [account.pk, dead.id]),
        ]
    )
    assert job_of(fresh).status == Status.PENDING
    assert job_of(worn_out).status == Status.FAILED
    assert [n.kind for n in notifications_of(account, super_admin)] == ["export_failed"]


@pytest.mark.django_db
def test_the_sweep_re_enqueues_emails_left_pending(account, super_admin, enqueued):
    job = finished_job(account, super_admin, email_status=EmailStatus.PENDING)
    with scopes_disabled():
        ExportJob.objects.filter(id=job.id).update(
            finished_at=timezone.now() - dt.timedelta(minutes=5)
        )

    assert exports_sweep()["emails"] == 1
    assert enqueued == [("exports.tasks.export_email_send", [account.pk, job.id])]


@pytest.mark.django_db
def test_expired_files_are_deleted_and_the_jobs_kept(account, super_admin):
    old = finished_job(account, super_admin, expires_in=dt.timedelta(seconds=-1))
    current = finished_job(account, super_admin)
    path = old.file.name

    assert exports_expire() == 1

    assert not default_storage.exists(path)
    assert job_of(old).status == Status.EXPIRED and not job_of(old).file
    assert job_of(current).status == Status.DONE and default_storage.exists(current.file.name)
