from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The bell's count of unread notifications in the current account, looked up when shown."""
    user = getattr(request, "user", None)
    account = getattr(request, "account", None)
    if user is None or not user.is_authenticated or account is None:
        return {"unread_count": 0}
    return {"unread_count": functools.cache(lambda: unread_count(account=account, user=user))}
