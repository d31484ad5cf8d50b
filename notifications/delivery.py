"""Email delivery for any row that carries its email's state: a notification, an export job.

`email_status` runs pending → sending → sent; a failed attempt hands the row back as pending (the
task retries with backoff), and the last one, or a rejection no retry mends, marks it failed.
`email_attempts` counts attempts, and `email_claimed_at` says when a delivery took the row, so a
sweep can hand back one that a killed worker left half-sent. The claim is a conditional update: a
task delivered twice sends one email.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone

from notifications.models import EmailStatus
from notifications.transient import is_transient

# The tasks retry three times after the first attempt (Celery's max_retries=3).
MAX_EMAIL_ATTEMPTS = 4
# Far longer than a send takes: a row still sending after this lost its worker.
EMAIL_SENDING_RELEASE = dt.timedelta(minutes=10)


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


def email_claim(*, rows: QuerySet[Any]) -> bool:
    """Take the row's email from pending to sending; False when it is not pending (sent, failed,
    or claimed by another delivery of the same task)."""
    claimed = rows.filter(email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, email_claimed_at=timezone.now()
    )
    return bool(claimed)


def email_deliver(*, rows: QuerySet[Any], message: Callable[[], EmailMessage]) -> bool:
    """Send the row's email once; True when sent. A failed attempt (building or sending the
    message) is counted and raised; after the last one, or at once for a rejection, the email is
    marked failed."""
    if not email_claim(rows=rows):
        return False
    claimed = rows.filter(email_status=EmailStatus.SENDING)
    try:
        email_send(message=message())
    except Exception as exc:
        # A rejection (a refused recipient, a 4xx from the ESP) fails alike every time; an outage
        # fails on the last attempt, counted in the same UPDATE so no stale count decides.
        status = (
            Case(
                When(email_attempts__gte=MAX_EMAIL_ATTEMPTS - 1, then=Value(EmailStatus.FAILED)),
                default=Value(EmailStatus.PENDING),
            )
            if is_transient(exc)
            else Value(EmailStatus.FAILED)
        )
        claimed.update(email_attempts=F("email_attempts") + 1, email_status=status)
        raise
    claimed.update(email_status=EmailStatus.SENT, email_attempts=F("email_attempts") + 1)
    return True


def email_release_stuck(*, rows: QuerySet[Any], now: dt.datetime | None = None) -> int:
    """Hand back as pending the emails among the rows that have been sending for longer than a
    send takes (their worker died), so the sweep enqueues them again."""
    cutoff = (now or timezone.now()) - EMAIL_SENDING_RELEASE
    return rows.filter(email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff).update(
        email_status=EmailStatus.PENDING
    )
