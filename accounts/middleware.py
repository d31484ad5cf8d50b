"""Tenancy: resolve the account of `/a/<account_id>/…` URLs and run the view inside its scope."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from accounts.errors import NotFound, Refused
from accounts.http import TenancyRequest
from accounts.models import Account, User
from accounts.selectors import deactivated_in, membership_for, memberships_of


class TenancyMiddleware:
    """Answer 404 to anyone who is not an active member; render the response inside the scope."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: TenancyRequest) -> HttpResponse:
        request.account = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        account_id = match.kwargs.get("account_id")
        if account_id is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            # Let the view's login_required redirect to the sign-in page.
            return self.get_response(request)
        membership = membership_for(user=request.user, account_id=account_id)
        if membership is None:
            deactivated = deactivated_in(user=request.user, account_id=account_id)
            if deactivated is not None:
                return _deactivated(request, request.user, deactivated)
            raise Http404(_("This account does not exist or you are not a member of it."))
        request.account = membership.account
        request.membership = membership
        if not request.user.time_zone:
            # Times show in the viewer's zone; without one of their own, the account's.
            timezone.activate(zoneinfo.ZoneInfo(membership.account.time_zone))
        with scope(account=membership.account):
            response = self.get_response(request)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A domain refusal a view did not handle: another account's object reads as absent
        (404), a refusal as the no-access page (403); never a 500."""
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, Refused):
            return TemplateResponse(
                request, "accounts/no_access.html", {"reason": str(exception)}, status=403
            ).render()
        return None


def _deactivated(request: TenancyRequest, user: User, account: Account) -> HttpResponse:
    """A super admin deactivated the person here: their access ends at this request. Without an
    account left, their session ends too."""
    others = memberships_of(user=user)
    if not others:
        logout(request)
    return TemplateResponse(
        request,
        "accounts/deactivated.html",
        {"deactivated_account": account, "signed_out": not others},
        status=403,
    ).render()


class UserLanguageMiddleware:
    """Use the person's saved language over the browser's, and their time zone (after auth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        user_zone = getattr(request.user, "time_zone", "")
        if user_zone:
            timezone.activate(zoneinfo.ZoneInfo(user_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
