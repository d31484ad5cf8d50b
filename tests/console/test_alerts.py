"""Audit-log alerts (SPEC S7): Multiple exports in a daily check, once per account and day, on
the account's own day; Removed admin rights at once. Only opted-in super admins are told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from auditlog.services import Actor, EventInput, event_record
from console import alerts
from console.models import AlertFired, AlertSetting
from notifications.models import EmailStatus, Kind, Notification
from notifications.tasks import notification_email_send
from tests.factories import member_of

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def notifications(account, user) -> list[Notification]:
    with scope(account=account):
        return list(Notification.objects.filter(account=account, recipient=user).order_by("id"))


def opt_in(account, user, **choices) -> AlertSetting:
    with scopes_disabled():
        return AlertSetting.objects.create(account=account, user=user, **choices)


def export_event(account, user, when: dt.datetime):
    with scope(account=account):
        return event_record(
            account=account,
            entry=EventInput(
                category="security_activity", subcategory="export", action="export",
                actor=Actor.of_user(user), occurred_at=when, object_label="Contacts export",
            ),
        )  # fmt: skip


# Multiple exports -------------------------------------------------------------------------


def test_the_daily_check_notifies_an_opted_in_super_admin_once_per_account_and_day(
    account, super_admin, enqueued, django_capture_on_commit_callbacks
):
    opt_in(account, super_admin, multiple_exports=True, multiple_exports_threshold=3)
    day = dt.date(2026, 3, 9)
    for hour in (1, 9, 22):
        export_event(account, super_admin, dt.datetime(2026, 3, 9, hour, tzinfo=UTC))
    now = dt.datetime(2026, 3, 10, 0, 15, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.multiple_exports_check(now=now) == 1
        assert alerts.multiple_exports_check(now=now) == 0  # beat ran twice, or a retry

    [note] = notifications(account, super_admin)
    assert note.kind == Kind.ALERT
    assert note.title == f"3 exports on 2026-03-09 in {account.name}"
    assert "threshold is 3" in note.body
    assert "category=security_activity" in note.url and "action=export" in note.url
    with scopes_disabled():
        assert list(AlertFired.objects.values_list("user_id", "alert", "day")) == [
            (super_admin.pk, "multiple_exports", day)
        ]
    # In-app and by email: one email task, and it sends one message.
    assert note.email_status == EmailStatus.PENDING
    email_tasks = [a for name, a in enqueued if name == notification_email_send.name]
    assert email_tasks == [[account.pk, note.id]]
    notification_email_send.apply(args=[account.pk, note.id])
    notification_email_send.apply(args=[account.pk, note.id])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [super_admin.email]


def test_below_the_threshold_nobody_is_notified(account, super_admin):
    opt_in(account, super_admin, multiple_exports=True, multiple_exports_threshold=3)
    for hour in (1, 2):
        export_event(account, super_admin, dt.datetime(2026, 3, 9, hour, tzinfo=UTC))

    assert alerts.multiple_exports_check(now=dt.datetime(2026, 3, 10, 0, 15, tzinfo=UTC)) == 0
    assert notifications(account, super_admin) == []


def test_the_default_threshold_is_ten_exports(account, super_admin):
    setting = opt_in(account, super_admin, multiple_exports=True)
    assert setting.multiple_exports_threshold == 10
    for minute in range(9):
        export_event(account, super_admin, dt.datetime(2026, 3, 9, 8, minute, tzinfo=UTC))
    now = dt.datetime(2026, 3, 10, 0, 15, tzinfo=UTC)
    assert alerts.multiple_exports_check(now=now) == 0

    export_event(account, super_admin, dt.datetime(2026, 3, 9, 8, 30, tzinfo=UTC))
    assert alerts.multiple_exports_check(now=now) == 1


def test_only_opted_in_active_super_admins_of_the_account_are_notified(
    account, other_account, super_admin, member
):
    quiet_admin = member_of(account, role=Role.SUPER_ADMIN, email="quiet@northwind.test")
    opt_in(account, super_admin, multiple_exports=True, multiple_exports_threshold=1)
    opt_in(account, quiet_admin, multiple_exports=False, removed_admin_rights=True)
    # Grace is no super admin: her setting (from when she was one) no longer counts.
    opt_in(account, member, multiple_exports=True, multiple_exports_threshold=1)
    export_event(account, super_admin, dt.datetime(2026, 3, 9, 12, tzinfo=UTC))
    # The other account's exports are its own business.
    outsider = member_of(other_account, role=Role.SUPER_ADMIN, email="hank@globex.test")
    opt_in(other_account, outsider, multiple_exports=True, multiple_exports_threshold=1)

    assert alerts.multiple_exports_check(now=dt.datetime(2026, 3, 10, 0, 15, tzinfo=UTC)) == 1

    assert len(notifications(account, super_admin)) == 1
    assert notifications(account, quiet_admin) == []
    assert notifications(account, member) == []
    assert notifications(other_account, outsider) == []


def test_downloads_and_other_security_activity_are_not_exports(account, super_admin):
    opt_in(account, super_admin, multiple_exports=True, multiple_exports_threshold=1)
    with scope(account=account):
        event_record(
            account=account,
            entry=EventInput(
                category="security_activity", subcategory="export", action="download",
                actor=Actor.of_user(super_admin),
                occurred_at=dt.datetime(2026, 3, 9, 12, tzinfo=UTC),
            ),
        )  # fmt: skip

    assert alerts.multiple_exports_check(now=dt.datetime(2026, 3, 10, 0, 15, tzinfo=UTC)) == 0


def test_the_previous_day_is_the_accounts_own_day(account, super_admin):
    with scopes_disabled():
        account.time_zone = "America/New_York"
        account.save(update_fields=["time_zone"])
    opt_in(account, super_admin, multiple_exports=True, multiple_exports_threshold=2)
    # 8 February in New York (UTC-5): 23:30 there is already 9 February in UTC.
    export_event(account, super_admin, dt.datetime(2026, 2, 8, 23, 30, tzinfo=UTC))
    export_event(account, super_admin, dt.datetime(2026, 2, 9, 4, 30, tzinfo=UTC))
    # 9 February in New York: not over yet when beat runs at 00:15 UTC on 10 February.
    export_event(account, super_admin, dt.datetime(2026, 2, 9, 6, 0, tzinfo=UTC))

    # 00:15 UTC on 10 February is 19:15 on 9 February in New York: its previous day is the 8th.
    assert alerts.multiple_exports_check(now=dt.datetime(2026, 2, 10, 0, 15, tzinfo=UTC)) == 1

    [note] = notifications(account, super_admin)
    assert note.title.startswith("2 exports on 2026-02-08")


def test_beat_runs_the_check_daily():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "console.tasks.multiple_exports_check"
    ]
    schedule = entry["schedule"]
    assert schedule.hour == {0} and schedule.minute == {15}


# Removed admin rights ---------------------------------------------------------------------


def removal(account, by, *, label="Grace Hopper"):
    with scope(account=account):
        return event_record(
            account=account,
            entry=EventInput(
                category="security_activity", subcategory="admin_rights", action="remove",
                actor=Actor.of_user(by), object_type="user", object_id="42", object_label=label,
            ),
        )  # fmt: skip


def test_removed_admin_rights_notifies_opted_in_super_admins_at_once(
    account, super_admin, django_capture_on_commit_callbacks, enqueued
):
    watcher = member_of(account, role=Role.SUPER_ADMIN, email="watcher@northwind.test")
    opt_in(account, watcher, removed_admin_rights=True)
    opt_in(account, super_admin, removed_admin_rights=False, multiple_exports=True)

    with django_capture_on_commit_callbacks(execute=True):
        event = removal(account, super_admin)
        assert notifications(account, watcher) == []  # after commit, not before

    [note] = notifications(account, watcher)
    assert note.kind == Kind.ALERT and note.title == "Admin rights removed: Grace Hopper"
    assert super_admin.full_name in note.body
    assert note.url == f"/a/{account.pk}/audit-logs/events/{event.id}/"
    assert note.email_status == EmailStatus.PENDING
    assert [a for name, a in enqueued if name == notification_email_send.name] == [
        [account.pk, note.id]
    ]
    assert notifications(account, super_admin) == []


def test_other_security_activity_does_not_alert(
    account, super_admin, record_event, django_capture_on_commit_callbacks
):
    opt_in(account, super_admin, removed_admin_rights=True)
    with django_capture_on_commit_callbacks(execute=True):
        record_event(account, actor=super_admin, category="security_activity",
                     subcategory="admin_rights", action="add")  # fmt: skip
        record_event(account, actor=super_admin)

    assert notifications(account, super_admin) == []
