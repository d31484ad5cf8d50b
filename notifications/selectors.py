from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Account, Role, User
from notifications.models import AlertSetting, Notification


def notifications_of(*, account: Account, user: User, limit: int = 50) -> list[Notification]:
    """The person's newest notifications in the account."""
    return list(
        Notification.objects.filter(account=account, recipient=user).order_by("-created_at")[:limit]
    )


def alert_subscribers(*, account: Account, alert: str) -> QuerySet[AlertSetting]:
    """Active super admins of the account who turned the alert on."""
    return AlertSetting.objects.filter(
        account=account,
        **{alert: True},
        user__memberships__account=account,
        user__memberships__role=Role.SUPER_ADMIN,
        user__memberships__is_active=True,
    ).select_related("user")
