"""Reads of the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.entitlements import Capability, Entitlements
from accounts.models import Account
from auditlog import catalog
from auditlog.models import ActorType, Event
from auditlog.services import retention_floor


def visible_categories(*, entitlements: Entitlements) -> list[str]:
    """The category codes the account's tier may see (SPEC S1)."""
    return [c.code for c in catalog.CATEGORIES if entitlements.allows(c.capability)]


def events_visible(*, account: Account, entitlements: Entitlements) -> QuerySet[Event]:
    """The account's events that its tier may see: gated categories, employee actions and events
    past the tier's retention are hidden."""
    qs = Event.objects.filter(
        account=account,
        occurred_at__gte=retention_floor(account=account, entitlements=entitlements),
    )
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
        events_visible(account=account, entitlements=entitlements).order_by("-occurred_at", "-id")[
            :limit
        ]
    )


LIST_COLUMNS = (
    "account_id",
    "occurred_at",
    "id",
    "category",
    "subcategory",
    "action",
    "actor_type",
    "actor_name",
    "actor_email",
    "actor_integration",
    "object_type",
    "object_id",
    "object_label",
    "country",
    "region",
    "city",
)


def events_for_list(*, account: Account, entitlements: Entitlements) -> QuerySet[Event]:
    """The visible events with only the columns the table shows (metadata stays on disk)."""
    return events_visible(account=account, entitlements=entitlements).only(*LIST_COLUMNS)


def event_get(*, account: Account, entitlements: Entitlements, event_id: int) -> Event | None:
    """One visible event of the account, or None (the caller answers 404)."""
    return events_visible(account=account, entitlements=entitlements).filter(id=event_id).first()
