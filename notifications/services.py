"""Creating, reading and delivering notifications (SPEC S7)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Account, User
from notifications.dispatch import enqueue_on_commit
from notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 4
EMAIL_TASK = "notifications.tasks.notification_email_send"


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL plus the path (paths from the console are relative)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def email_send(*, message: EmailMessage) -> None:
    """Send one email through the configured backend (anymail ESP, SMTP, file or locmem)."""
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    for attachment in message.attachments:
        mail.attach(attachment.filename, attachment.content, attachment.mimetype)
    mail.send(fail_silently=False)


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
    notification = Notification.objects.create(
        account=account,
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
    )
    transaction.on_commit(lambda: cache.delete(_unread_key(account.pk, recipient.pk)))
    if email:
        enqueue_on_commit(EMAIL_TASK, [account.pk, notification.id])
    return notification


def notification_email_deliver(*, notification: Notification) -> bool:
    """Email a notification once; True when sent. Failures count attempts, then mark failed."""
    # Claim it, so a second delivery of the same task sends nothing.
    claimed = Notification.objects.filter(
        account_id=notification.account_id, id=notification.id, email_status=EmailStatus.PENDING
    ).update(email_status=EmailStatus.SENDING)
    if not claimed:
        return False
    recipient = notification.recipient
    with translation.override(recipient.language or notification.account.default_language):
        context = {"notification": notification, "link": absolute_url(notification.url)}
        message = EmailMessage(
            to=recipient.email,
            subject=notification.title,
            text=render_to_string("notifications/email/notification.txt", context),
            html=render_to_string("notifications/email/notification.html", context),
        )
    try:
        email_send(message=message)
    except Exception:
        attempts = notification.email_attempts + 1
        status = EmailStatus.FAILED if attempts >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
        Notification.objects.filter(account_id=notification.account_id, id=notification.id).update(
            email_attempts=attempts, email_status=status
        )
        raise
    Notification.objects.filter(account_id=notification.account_id, id=notification.id).update(
        email_status=EmailStatus.SENT, email_attempts=notification.email_attempts + 1
    )
    return True


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
