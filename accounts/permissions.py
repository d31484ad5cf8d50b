"""View guards that run after the tenancy middleware resolved `request.membership`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, overload

from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.http import AccountRequest, AccountView, P

if TYPE_CHECKING:  # a development dependency: the type only
    from django_stubs_ext import StrOrPromise


def audit_log_access_required(view: AccountView[P]) -> AccountView[P]:
    """Members without audit-log access get a clear "no access" page (403), not the log."""

    @wraps(view)
    def wrapper(request: AccountRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        membership = request.membership
        if membership is None or not membership.has_audit_log_access:
            return TemplateResponse(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@overload
def super_admin_required(view: AccountView[P], /) -> AccountView[P]: ...
@overload
def super_admin_required(*, reason: StrOrPromise) -> Callable[[AccountView[P]], AccountView[P]]: ...
def super_admin_required(
    view: AccountView[P] | None = None, /, *, reason: StrOrPromise | None = None
) -> AccountView[P] | Callable[[AccountView[P]], AccountView[P]]:
    """Everyone but a super admin gets a "no access" page (403) saying what only super admins
    can do (`reason`, "Only super admins can …"), not the view."""

    def decorate(view: AccountView[P]) -> AccountView[P]:
        @wraps(view)
        def wrapper(request: AccountRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            membership = request.membership
            if membership is None or not membership.is_super_admin:
                context = {"reason": reason or _("Only super admins can open this page.")}
                return TemplateResponse(request, "accounts/no_access.html", context, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate if view is None else decorate(view)
