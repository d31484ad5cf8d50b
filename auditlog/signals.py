"""Sign-ins to the console are Login events (succeeded, failed, logout) in the person's accounts."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from accounts.selectors import memberships_of
from auditlog.http import request_context
from auditlog.services import Actor, EventInput, event_record

logger = logging.getLogger(__name__)

LOGIN_TYPE_PASSWORD = "Email and password"
# What a sign-in view knows that Django's auth signals do not carry (how the second factor was
# given, why an attempt failed or a session ended): noted on the request, added to the event.
AUTH_NOTE = "auditdesk_auth_note"
# django-axes marks an attempt it refused, or the one that crossed the limit, on the request.
LOCKED_OUT = "locked out"


def auth_note(request: HttpRequest, **metadata: str) -> None:
    """Add these metadata to the Login events this request records next."""
    setattr(request, AUTH_NOTE, {**getattr(request, AUTH_NOTE, {}), **metadata})


def _request_url(request: HttpRequest | None) -> str:
    """Where the sign-in happened; a request without a host (e.g. a programmatic login) has none."""
    if request is None or not (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")):
        return ""
    return request.build_absolute_uri()


def _record_for_each_account(user: User, request: HttpRequest | None, **fields: Any) -> None:
    context = request_context(request)
    note = getattr(request, AUTH_NOTE, {}) if request is not None else {}
    if note:
        fields["metadata"] = {**fields.get("metadata", {}), **note}
    for membership in memberships_of(user=user):
        event_record(
            account=membership.account,
            entry=EventInput(
                category="login",
                actor=Actor.of_user(user),
                ip=context.ip,
                user_agent=context.user_agent,
                login_type=LOGIN_TYPE_PASSWORD,
                url=_request_url(request),
                **fields,
            ),
        )


@receiver(user_logged_in)
def on_logged_in(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    _record_for_each_account(user, request, subcategory="login_succeeded", action="login")


@receiver(user_logged_out)
def on_logged_out(
    sender: type[User] | None, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        _record_for_each_account(user, request, subcategory="logout", action="logout")


@receiver(user_login_failed)
def on_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in is logged in the accounts of the person whose email was tried."""
    attempted = (credentials.get("username") or credentials.get("email") or "").strip()
    user = get_user_model().objects.filter(email__iexact=attempted).first() if attempted else None
    if user is None:
        logger.info("failed sign-in for unknown email %r", attempted[:254])
        return
    if request is not None and getattr(request, "axes_locked_out", False):
        auth_note(request, reason=LOCKED_OUT)
    _record_for_each_account(
        user,
        request,
        subcategory="login_failed",
        action="login",
        actor_email=attempted[:254],
        metadata={"attempted_email": attempted[:254]},
    )
