"""Typed requests: the attributes the middleware sets, so views are checked against them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

from accounts.models import Account, Membership, User


class HtmxRequest(HttpRequest):
    """Every request, once `django_htmx.middleware.HtmxMiddleware` has run."""

    htmx: HtmxDetails


class TenancyRequest(HtmxRequest):
    """Every request seen by `TenancyMiddleware`: account and membership only on account URLs."""

    account: Account | None
    membership: Membership | None


class UserRequest(HtmxRequest):
    """A request by a signed-in person: a view behind `login_required`."""

    user: User


class AccountRequest(UserRequest):
    """A request to an account page (`/a/<account_id>/…`) by one of its signed-in members."""

    account: Account
    membership: Membership


P = ParamSpec("P")
# A view of an account page: decorators that guard such views keep the rest of its signature.
AccountView = Callable[Concatenate[AccountRequest, P], HttpResponseBase]
