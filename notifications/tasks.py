from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import Task, shared_task
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.dispatch import enqueue
from notifications.transient import is_transient

logger = logging.getLogger(__name__)


@shared_task(
    name="notifications.tasks.notification_email_send",
    bind=True,
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
)
def notification_email_send(self: Task[Any, Any], account_id: int, notification_id: int) -> None:
    """Email one notification; transient failures retry with backoff, then it is marked failed,
    as it is at once for a permanent one."""
    from accounts.models import Account
    from notifications.models import Notification
    from notifications.services import notification_email_deliver

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return
    with scope(account=account):
        notification = (
            Notification.objects.select_related("recipient", "account")
            .filter(account=account, id=notification_id)
            .first()
        )
        if notification is None:
            return
        try:
            notification_email_deliver(notification=notification)
        except Exception as exc:
            if not is_transient(exc):
                # Marked failed by the delivery: another try would be refused the same way.
                logger.warning("notification %s: email not delivered: %r", notification.id, exc)
                return
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(name="notifications.tasks.emails_sweep", acks_late=True)
def emails_sweep() -> int:
    """Re-enqueue notification emails still pending a minute after they were created, and
    release those a killed worker left half-sent for ten minutes."""
    from notifications.delivery import email_release_stuck
    from notifications.models import EmailStatus, Notification

    cutoff = timezone.now() - dt.timedelta(minutes=1)
    with scopes_disabled():  # the sweep spans accounts by design
        email_release_stuck(rows=Notification.objects.all())
        pending = list(
            Notification.objects.filter(
                email_status=EmailStatus.PENDING, created_at__lt=cutoff
            ).values_list("account_id", "id")[:500]
        )
    for account_id, notification_id in pending:
        enqueue(notification_email_send.name, [account_id, notification_id])
    return len(pending)
