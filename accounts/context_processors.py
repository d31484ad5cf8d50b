from __future__ import annotations

import functools

from django.http import HttpRequest

from accounts.selectors import account_menu_of


def console(request: HttpRequest) -> dict:
    """The current account and the person's other accounts, for the console layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Looked up when a template first asks, once per request however often it is shown.
    return {
        "current_account": getattr(request, "account", None),
        "current_membership": getattr(request, "membership", None),
        "account_menu": functools.cache(lambda: account_menu_of(user=user)),
    }
