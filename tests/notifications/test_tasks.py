"""The notification email task retries only transient send errors; a rejection is marked failed
at once (run in-process with `Task.apply()`)."""

from __future__ import annotations

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail
from django_scopes import scope

from notifications import tasks
from notifications.models import EmailStatus, Kind, Notification
from notifications.services import notification_create

pytestmark = pytest.mark.django_db(transaction=True)


class RejectingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise AnymailRecipientsRefused()


class UnreachableBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def retried(monkeypatch) -> list[BaseException]:
    calls: list[BaseException] = []
    original = tasks.notification_email_send.retry

    def retry(*args, **kwargs):
        calls.append(kwargs.get("exc"))
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.notification_email_send, "retry", retry)
    return calls


def mention(account, user) -> Notification:
    with scope(account=account):
        return notification_create(
            account=account, recipient=user, kind=Kind.MENTION, title="Ada tagged you", url="/"
        )


def stored(notification: Notification) -> Notification:
    with scope(account=notification.account):
        return Notification.objects.get(account=notification.account, id=notification.id)


def test_a_rejected_recipient_is_marked_failed_without_a_retry(account, member, settings, retried):
    notification = mention(account, member)
    settings.EMAIL_BACKEND = f"{__name__}.RejectingBackend"

    result = tasks.notification_email_send.apply(args=[account.pk, notification.id])

    assert result.state == "SUCCESS"
    notification = stored(notification)
    assert notification.email_status == EmailStatus.FAILED and notification.email_attempts == 1
    assert retried == []


def test_an_unreachable_mail_server_is_retried_then_marked_failed(
    account, member, settings, retried
):
    notification = mention(account, member)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"

    # In-process, Celery runs the retries at once (a worker backs off 30 s, 60 s, 120 s).
    result = tasks.notification_email_send.apply(args=[account.pk, notification.id])

    assert result.state == "FAILURE"
    notification = stored(notification)
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == 1 + tasks.notification_email_send.max_retries
    assert len(retried) == 1 + tasks.notification_email_send.max_retries


def test_a_sent_email_is_not_sent_again(account, member, settings, retried):
    notification = mention(account, member)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    for _ in range(2):
        tasks.notification_email_send.apply(args=[account.pk, notification.id])

    assert len(mail.outbox) == 1
    assert stored(notification).email_status == EmailStatus.SENT
    assert retried == []
