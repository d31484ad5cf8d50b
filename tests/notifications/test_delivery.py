"""Email delivery, one state machine for notifications and export jobs: claim once, send once,
count attempts, give up after the last (or at once for a rejection), release what a dead worker
left half-sent."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from exports.models import ExportJob, Status
from notifications import delivery
from notifications.delivery import (
    MAX_EMAIL_ATTEMPTS,
    EmailMessage,
    email_claim,
    email_deliver,
    email_release_stuck,
)
from notifications.models import EmailStatus, Kind, Notification

pytestmark = pytest.mark.django_db


def a_notification(account, user, **fields) -> Notification:
    values = {"kind": Kind.ALERT, "title": "Alert", "email_status": EmailStatus.PENDING}
    return Notification.objects.create(account=account, recipient=user, **(values | fields))


def a_job(account, user, **fields) -> ExportJob:
    values = {"status": Status.DONE, "email_status": EmailStatus.PENDING}
    return ExportJob.objects.create(account=account, requester=user, **(values | fields))


@pytest.fixture(params=["notification", "export job"])
def row(request, account, super_admin):
    """A row waiting for its email: a notification or a finished export job."""
    make = a_notification if request.param == "notification" else a_job
    with scopes_disabled():
        return make(account, super_admin)


def rows_of(row):
    return type(row).objects.filter(account_id=row.account_id, id=row.id)


def current(row):
    with scopes_disabled():
        return rows_of(row).get()


def message() -> EmailMessage:
    return EmailMessage(to="ada@northwind.test", subject="Hello", text="Body")


def failing(exc: Exception):
    def send(*, message: EmailMessage) -> None:
        raise exc

    return send


def test_a_claim_succeeds_once_and_notes_when(row):
    with scopes_disabled():
        assert email_claim(rows=rows_of(row)) is True
        assert email_claim(rows=rows_of(row)) is False
    claimed = current(row)
    assert claimed.email_status == EmailStatus.SENDING
    assert timezone.now() - claimed.email_claimed_at < dt.timedelta(seconds=5)


def test_delivered_twice_sends_one_email(row):
    with scopes_disabled():
        assert email_deliver(rows=rows_of(row), message=message) is True
        assert email_deliver(rows=rows_of(row), message=message) is False
    assert [m.subject for m in mail.outbox] == ["Hello"]
    sent = current(row)
    assert sent.email_status == EmailStatus.SENT and sent.email_attempts == 1


def test_an_outage_is_counted_and_handed_back_until_the_last_attempt_fails_it(row, monkeypatch):
    monkeypatch.setattr(delivery, "email_send", failing(ConnectionRefusedError("no server")))
    with scopes_disabled():
        for attempt in range(1, MAX_EMAIL_ATTEMPTS):
            with pytest.raises(ConnectionRefusedError):
                email_deliver(rows=rows_of(row), message=message)
            assert (current(row).email_status, current(row).email_attempts) == (
                EmailStatus.PENDING,
                attempt,
            )
        with pytest.raises(ConnectionRefusedError):
            email_deliver(rows=rows_of(row), message=message)
        assert email_deliver(rows=rows_of(row), message=message) is False
    failed = current(row)
    assert failed.email_status == EmailStatus.FAILED
    assert failed.email_attempts == MAX_EMAIL_ATTEMPTS
    assert mail.outbox == []


def test_a_rejected_recipient_fails_at_once(row, monkeypatch):
    refused = smtplib.SMTPRecipientsRefused({"ada@northwind.test": (550, b"no such user")})
    monkeypatch.setattr(delivery, "email_send", failing(refused))
    with scopes_disabled(), pytest.raises(smtplib.SMTPRecipientsRefused):
        email_deliver(rows=rows_of(row), message=message)
    failed = current(row)
    assert failed.email_status == EmailStatus.FAILED and failed.email_attempts == 1


def test_a_message_that_cannot_be_built_counts_as_an_attempt_not_a_stuck_row(row):
    def broken() -> EmailMessage:
        raise TimeoutError("the file's storage did not answer")

    with scopes_disabled(), pytest.raises(TimeoutError):
        email_deliver(rows=rows_of(row), message=broken)
    again = current(row)
    assert again.email_status == EmailStatus.PENDING and again.email_attempts == 1


def test_only_rows_sending_for_longer_than_a_send_takes_are_released(account, super_admin):
    now = timezone.now()
    long_ago = now - delivery.EMAIL_SENDING_RELEASE - dt.timedelta(seconds=1)
    with scopes_disabled():
        stuck = a_notification(
            account, super_admin, email_status=EmailStatus.SENDING, email_claimed_at=long_ago
        )
        busy = a_notification(
            account, super_admin, email_status=EmailStatus.SENDING, email_claimed_at=now
        )
        sent = a_notification(
            account, super_admin, email_status=EmailStatus.SENT, email_claimed_at=long_ago
        )
        stuck_job = a_job(
            account, super_admin, email_status=EmailStatus.SENDING, email_claimed_at=long_ago
        )

        assert email_release_stuck(rows=Notification.objects.all(), now=now) == 1
        assert email_release_stuck(rows=ExportJob.objects.filter(status=Status.DONE)) == 1

    assert current(stuck).email_status == EmailStatus.PENDING
    assert current(busy).email_status == EmailStatus.SENDING
    assert current(sent).email_status == EmailStatus.SENT
    assert current(stuck_job).email_status == EmailStatus.PENDING


def test_the_sweeps_release_stuck_emails_and_enqueue_them_again(
    account, super_admin, enqueued, monkeypatch
):
    from exports.services import exports_sweep
    from notifications import dispatch, tasks
    from notifications.tasks import emails_sweep

    monkeypatch.setattr(tasks, "enqueue", dispatch.enqueue)  # the recording one, as imported

    long_ago = timezone.now() - dt.timedelta(hours=1)
    with scopes_disabled():
        note = a_notification(
            account, super_admin, email_status=EmailStatus.SENDING, email_claimed_at=long_ago
        )
        Notification.objects.filter(account=account, id=note.id).update(created_at=long_ago)
        job = a_job(
            account, super_admin, email_status=EmailStatus.SENDING, email_claimed_at=long_ago,
            finished_at=long_ago,
        )  # fmt: skip

    assert emails_sweep() == 1
    assert exports_sweep()["emails"] == 1
    assert ("notifications.tasks.notification_email_send", [account.pk, note.id]) in enqueued
    assert ("exports.tasks.export_email_send", [account.pk, job.id]) in enqueued
