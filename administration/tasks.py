"""Thin Celery tasks for account administration: its emails, and the sweep that re-sends those
the broker lost."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from celery import Task, shared_task
from django_scopes import scope

from notifications.transient import is_transient

if TYPE_CHECKING:
    from administration.models import Invitation, PasswordResetEmail

logger = logging.getLogger(__name__)
Row = TypeVar("Row", "Invitation", "PasswordResetEmail")


def _retry_or_give_up(task: Task[Any, Any], exc: Exception, what: str) -> None:
    """Transient failures retry with backoff; a rejection, or the last attempt, is marked failed
    by the delivery, and another try would be refused the same way."""
    if is_transient(exc):
        raise task.retry(exc=exc, countdown=30 * 2**task.request.retries) from exc
    logger.warning("%s: email not delivered: %r", what, exc)


def _email_send(
    task: Task[Any, Any],
    *,
    model: type[Row],
    account_id: int,
    row_id: int,
    deliver: Callable[[Row], bool],
    what: str,
) -> bool:
    """Deliver the email of one row of an account, in its scope; a row or account gone since it
    was enqueued has nothing to send."""
    from accounts.models import Account

    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return False
    with scope(account=account):
        row = model.objects.filter(account=account, id=row_id).first()
        if row is None:
            return False
        try:
            return deliver(row)
        except Exception as exc:
            _retry_or_give_up(task, exc, what)
            return False


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
    from administration.models import Invitation
    from administration.people import invitation_email_deliver

    return _email_send(
        self,
        model=Invitation,
        account_id=account_id,
        row_id=invitation_id,
        deliver=lambda invitation: invitation_email_deliver(invitation=invitation),
        what=f"invitation {invitation_id}",
    )


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
    from administration.models import PasswordResetEmail
    from administration.people import password_reset_email_deliver

    return _email_send(
        self,
        model=PasswordResetEmail,
        account_id=account_id,
        row_id=reset_id,
        deliver=lambda reset: password_reset_email_deliver(reset=reset),
        what=f"password reset {reset_id}",
    )


@shared_task(name="administration.tasks.emails_sweep", acks_late=True)
def emails_sweep() -> int:
    """Every minute: re-enqueue invitation and password-reset emails the broker lost."""
    from administration.people import emails_sweep as sweep

    return sweep()
