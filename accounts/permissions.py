"""View guards that run after the tenancy middleware resolved `request.membership`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def audit_log_access_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Members without audit-log access get a clear "no access" page (403), not the log."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = request.membership
        if membership is None or not membership.has_audit_log_access:
            return TemplateResponse(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def super_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = request.membership
        if membership is None or not membership.is_super_admin:
            return TemplateResponse(request, "accounts/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
