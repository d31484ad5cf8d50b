from __future__ import annotations

from accounts.models import Account, User
from notifications.models import Notification


def notifications_of(*, account: Account, user: User, limit: int = 50) -> list[Notification]:
    """The person's newest notifications in the account."""
    return list(
        Notification.objects.filter(account=account, recipient=user).order_by("-created_at")[:limit]
    )
