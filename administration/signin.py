"""Sign-in in two steps and its protection: the sign-in waiting for its second factor (kept in
the session between the password and the code), and django-axes' hooks: the name failed
attempts count under, and the product's own lockout page."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User

PENDING_KEY = "sign_in_pending"


def sign_in_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The email failed attempts count under, whatever its case or spacing (so `Ada@…` and
    `ada@…` share one count)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    name = str(raw or "").strip().lower()[:254]
    return name or None


def lockout_wait(request: HttpRequest, credentials: dict[str, Any] | None = None) -> dt.timedelta:
    """How long the email and address of this request still wait: the cool-off from their
    latest counted failure."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    latest = AccessAttempt.objects.filter(
        username=sign_in_name(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return cool_off
    return max(latest + cool_off - timezone.now(), dt.timedelta(0))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE): what happened
    and how many minutes to wait, in the person's language."""
    minutes = max(1, math.ceil(lockout_wait(request, credentials).total_seconds() / 60))
    return render(
        request,
        "administration/security/locked_out.html",
        {"minutes": minutes, "email": sign_in_name(request, credentials) or ""},
        status=429,
    )


@dataclass(frozen=True)
class PendingSignIn:
    """A person whose password was right and whose second factor is still to come."""

    user: User
    backend: str
    next_url: str


def sign_in_pending_start(request: HttpRequest, *, user: User, backend: str, next_url: str) -> None:
    """Remember, in the anonymous session, whose code the next step asks for."""
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": backend,
        "next": next_url,
        "at": int(time.time()),
    }


def sign_in_pending(request: HttpRequest) -> PendingSignIn | None:
    """The sign-in waiting for its code, or None when there is none or it waited too long."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    age = time.time() - float(data.get("at", 0))
    if age > settings.TWO_FACTOR_SIGN_IN_TIMEOUT_S or data.get("backend") not in set(
        settings.AUTHENTICATION_BACKENDS
    ):
        sign_in_pending_clear(request)
        return None
    user_id = data.get("user_id")
    user = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    if user is None:
        sign_in_pending_clear(request)
        return None
    return PendingSignIn(
        user=user, backend=str(data["backend"]), next_url=str(data.get("next", ""))
    )


def sign_in_pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
