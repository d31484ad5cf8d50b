"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.entitlements import Capability, Entitlements
from accounts.models import Account
from auditlog import catalog
from auditlog.models import ActorType, Event


def visible_categories(*, entitlements: Entitlements) -> list[str]:
    """The category codes the account's tier may see (SPEC S1)."""
    return [c.code for c in catalog.CATEGORIES if entitlements.allows(c.capability)]


def events_visible(*, account: Account, entitlements: Entitlements) -> QuerySet[Event]:
    """The account's events that its tier may see: gated categories and employee actions hidden."""
    qs = Event.objects.filter(account=account)
    if not entitlements.allows(Capability.ALL_CATEGORIES):
        qs = qs.filter(category__in=visible_categories(entitlements=entitlements))
    if not entitlements.allows(Capability.EMPLOYEE_ACTIONS):
        # Employee logins stay visible to every tier; their actions are Enterprise only.
        qs = qs.exclude(actor_type=ActorType.EMPLOYEE, category__in=_non_login_categories())
    return qs


def _non_login_categories() -> list[str]:
    return [c.code for c in catalog.CATEGORIES if c.code != "login"]


def events_recent(*, account: Account, entitlements: Entitlements, limit: int = 50) -> list[Event]:
    """The newest events of the account, newest first."""
    return list(
        events_visible(account=account, entitlements=entitlements).order_by(
            "-occurred_at", "-id"
        )[:limit]
    )
