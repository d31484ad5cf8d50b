"""Creating, reading and delivering notifications (SPEC S7)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Account, User
from notifications.delivery import EmailMessage, email_deliver
from notifications.dispatch import enqueue_on_commit
from notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

EMAIL_TASK = "notifications.tasks.notification_email_send"


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL plus the path (paths from the console are relative)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def _unread_key(account_id: int, user_id: int) -> str:
    return f"unread:v1:{account_id}:{user_id}"


def notification_create(
    *,
    account: Account,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification:
    """Notify a member in-app and, unless told otherwise, by email after commit."""
    draft = Draft(recipient=recipient, title=title, body=body, url=url)
    (notification,) = notifications_create(account=account, kind=kind, drafts=[draft], email=email)
    return notification


@dataclass(frozen=True)
class Draft:
    """One notification of a batch: to whom, and what it says."""

    recipient: User
    title: str
    body: str = ""
    url: str = ""


def notifications_create(
    *, account: Account, kind: str, drafts: list[Draft], email: bool = True
) -> list[Notification]:
    """Notify several members at once in one INSERT, each by email after commit."""
    if not drafts:
        return []
    status = EmailStatus.PENDING if email else EmailStatus.NONE
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                account=account,
                recipient=draft.recipient,
                kind=kind,
                title=draft.title[:200],
                body=draft.body,
                url=draft.url,
                email_status=status,
            )
            for draft in drafts
        ]
    )
    keys = [_unread_key(account.pk, draft.recipient.pk) for draft in drafts]
    transaction.on_commit(lambda: cache.delete_many(keys))
    if email:
        for notification in notifications:
            enqueue_on_commit(EMAIL_TASK, [account.pk, notification.id])
    return notifications


def notification_email_deliver(*, notification: Notification) -> bool:
    """Email a notification once; True when sent. Failures count attempts, then mark failed."""

    def message() -> EmailMessage:
        recipient = notification.recipient
        with translation.override(recipient.language or notification.account.default_language):
            context = {"notification": notification, "link": absolute_url(notification.url)}
            return EmailMessage(
                to=recipient.email,
                subject=notification.title,
                text=render_to_string("notifications/email/notification.txt", context),
                html=render_to_string("notifications/email/notification.html", context),
            )

    rows = Notification.objects.filter(account_id=notification.account_id, id=notification.id)
    return email_deliver(rows=rows, message=message)


def notification_mark_read(*, account: Account, user: User, notification_id: int) -> bool:
    """Mark one of the person's notifications read; False when it is not theirs."""
    changed = Notification.objects.filter(
        account=account, recipient=user, id=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    cache.delete(_unread_key(account.pk, user.pk))
    return (
        bool(changed)
        or Notification.objects.filter(account=account, recipient=user, id=notification_id).exists()
    )


def notifications_mark_all_read(*, account: Account, user: User) -> int:
    changed = Notification.objects.filter(
        account=account, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    cache.delete(_unread_key(account.pk, user.pk))
    return changed


def unread_count(*, account: Account, user: User) -> int:
    """Unread notifications of the person in the account (cached; shown on every page)."""
    key = _unread_key(account.pk, user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            account=account, recipient=user, read_at__isnull=True
        ).count()
        cache.set(key, count, timeout=600)
    return count
