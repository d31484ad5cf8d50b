"""Sign-in rules enforced on every request of a signed-in person: the session timeout of the
account (Security → Login) and the two-factor requirement (Security → Two-factor
authentication). Both run once the URL is resolved and the tenancy middleware has found the
page's account."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.http import HtmxRequest
from accounts.links import redirect_to
from accounts.models import Account, User
from accounts.selectors import account_menu_of, account_security_of
from administration.security import two_factor_enabled, two_factor_requiring_accounts
from auditlog.signals import auth_note

# When the person was last seen, in epoch seconds; written at most once a minute, so a burst of
# requests costs no session writes.
LAST_SEEN_KEY = "last_seen"
LAST_SEEN_PRECISION_S = 60
SESSION_TIMEOUT = "session timeout"

# Where the rules never send anyone away: signing out, the health check, and the way through
# the two-factor requirement itself.
TIMEOUT_EXEMPT = frozenset({"logout", "healthz"})
TWO_FACTOR_EXEMPT = frozenset(
    {
        "logout",
        "healthz",
        "login",
        "login_two_factor",
        "two_factor",
        "two_factor_enrol",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


class _ViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class SessionTimeoutMiddleware(_ViewMiddleware):
    """Sign out a session that sat idle longer than the page's account allows; away from an
    account's pages, longer than the strictest of the person's accounts allows."""

    def process_view(
        self, request: HtmxRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or _view_name(request) in TIMEOUT_EXEMPT:
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        minutes = self._timeout(request, user)
        if isinstance(last_seen, int) and minutes and now - last_seen > minutes * 60:
            auth_note(request, reason=SESSION_TIMEOUT)
            logout(request)
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(count)d minute without activity.",
                    "You were signed out after %(count)d minutes without activity.",
                    minutes,
                )
                % {"count": minutes},
            )
            return redirect_to(request, redirect_to_login(request.get_full_path())["Location"])
        if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_PRECISION_S:
            request.session[LAST_SEEN_KEY] = now
        return None

    @staticmethod
    def _timeout(request: HttpRequest, user: User) -> int | None:
        account: Account | None = getattr(request, "account", None)
        if account is not None:
            return account.session_timeout
        menu = account_menu_of(user=user)
        rules = account_security_of(account_ids=[account_id for account_id, _name in menu])
        timeouts = [rule.session_timeout for rule in rules.values() if rule.session_timeout]
        return min(timeouts) if timeouts else None


class TwoFactorRequiredMiddleware(_ViewMiddleware):
    """A member of an account that requires two-factor authentication, without it, is led to
    set it up and reaches nothing else (but signing out) until it is done."""

    def process_view(
        self, request: HtmxRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or _view_name(request) in TWO_FACTOR_EXEMPT:
            return None
        if not two_factor_requiring_accounts(user=user) or two_factor_enabled(user=user):
            return None
        return redirect_to(request, reverse("two_factor_enrol"))
