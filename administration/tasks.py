"""Thin Celery tasks for account administration: its emails, and the sweep that re-sends those
the broker lost."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django_scopes import scope

from notifications.transient import is_transient

logger = logging.getLogger(__name__)


def _retry_or_give_up(task: Task[Any, Any], exc: Exception, what: str) -> None:
    """Transient failures retry with backoff; a rejection, or the last attempt, is marked failed
    by the delivery, and another try would be refused the same way."""
    if is_transient(exc):
        raise task.retry(exc=exc, countdown=30 * 2**task.request.retries) from exc
    logger.warning("%s: email not delivered: %r", what, exc)


@shared_task(
    name="administration.tasks.invitation_email_send",
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def invitation_email_send(self: Task[Any, Any], account_id: int, invitation_id: int) -> bool:
    """Email an invitation its link."""
    from accounts.models import Account
    from administration.models import Invitation
    from administration.people import invitation_email_deliver

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return False
    with scope(account=account):
        invitation = Invitation.objects.filter(account=account, id=invitation_id).first()
        if invitation is None:
            return False
        try:
            return invitation_email_deliver(invitation=invitation)
        except Exception as exc:
            _retry_or_give_up(self, exc, f"invitation {invitation_id}")
            return False


@shared_task(
    name="administration.tasks.password_reset_email_send",
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def password_reset_email_send(self: Task[Any, Any], account_id: int, reset_id: int) -> bool:
    """Email a member the link to set a new password a super admin sent them."""
    from accounts.models import Account
    from administration.models import PasswordResetEmail
    from administration.people import password_reset_email_deliver

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return False
    with scope(account=account):
        reset = PasswordResetEmail.objects.filter(account=account, id=reset_id).first()
        if reset is None:
            return False
        try:
            return password_reset_email_deliver(reset=reset)
        except Exception as exc:
            _retry_or_give_up(self, exc, f"password reset {reset_id}")
            return False


@shared_task(name="administration.tasks.emails_sweep", acks_late=True)
def emails_sweep() -> int:
    """Every minute: re-enqueue invitation and password-reset emails the broker lost."""
    from administration.people import emails_sweep as sweep

    return sweep()
