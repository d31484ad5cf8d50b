"""Tier rules: every row of SPEC S1's gating table answered from one place.

A gated capability is shown disabled with `reason()`; every service checks `require()` itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from accounts.errors import Refused
from accounts.models import Account, Product, Subscription, Tier


class Capability(enum.StrEnum):
    BASIC_CATEGORIES = "basic_categories"  # Login and Security activity
    ALL_CATEGORIES = "all_categories"
    DETAIL_LOCATION = "detail_location"  # country, region, IP, login type, user agent
    DETAIL_METADATA = "detail_metadata"  # Details tab and "Show more info"
    RESTORE_RECORDS = "restore_records"
    ANALYZE = "analyze"
    EMPLOYEE_ACTIONS = "employee_actions"
    EMPLOYEE_LOGIN_EXPORT = "employee_login_export"
    CONTENT_EXPORT = "content_export"


@dataclass(frozen=True)
class Rule:
    """Who has a capability: a minimum audit tier, or a minimum tier of one product."""

    tier: Tier
    product: Product | None = None

    def reason(self) -> str:
        if self.product is None:
            return str(_("Available on %(tier)s") % {"tier": self.tier.label})
        return str(
            _("Available with %(product)s %(tier)s")
            % {"product": self.product.label, "tier": self.tier.label}
        )


RULES: dict[Capability, Rule] = {
    Capability.BASIC_CATEGORIES: Rule(Tier.STARTER),
    Capability.ALL_CATEGORIES: Rule(Tier.ENTERPRISE),
    Capability.DETAIL_LOCATION: Rule(Tier.STARTER),
    Capability.DETAIL_METADATA: Rule(Tier.ENTERPRISE),
    Capability.RESTORE_RECORDS: Rule(Tier.ENTERPRISE),
    Capability.ANALYZE: Rule(Tier.ENTERPRISE),
    Capability.EMPLOYEE_ACTIONS: Rule(Tier.ENTERPRISE),
    Capability.EMPLOYEE_LOGIN_EXPORT: Rule(Tier.STARTER),
    Capability.CONTENT_EXPORT: Rule(Tier.ENTERPRISE, Product.CONTENT),
}


class NotEntitled(Refused, PermissionDenied):
    """The account's tier lacks the capability; a view that lets it through answers 403."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability
        super().__init__(RULES[capability].reason())


@dataclass(frozen=True)
class Entitlements:
    """The tiers an account holds, and what they allow."""

    tiers: dict[str, int]

    @property
    def audit_tier(self) -> Tier:
        """The account's audit tier: its highest tier across products."""
        return Tier(max(self.tiers.values(), default=Tier.STARTER))

    def allows(self, capability: Capability) -> bool:
        rule = RULES[capability]
        if rule.product is None:
            return self.audit_tier >= rule.tier
        return self.tiers.get(rule.product, 0) >= rule.tier

    def reason(self, capability: Capability) -> str:
        return "" if self.allows(capability) else RULES[capability].reason()

    def require(self, capability: Capability) -> None:
        if not self.allows(capability):
            raise NotEntitled(capability)


def _cache_key(account_id: int) -> str:
    return f"entitlements:v1:{account_id}"


def entitlements_for(*, account: Account) -> Entitlements:
    """The account's entitlements, cached until its subscriptions change."""
    key = _cache_key(account.pk)
    tiers = cache.get(key)
    if tiers is None:
        with scopes_disabled():  # explicit account filter below
            rows = Subscription.objects.filter(account=account).values_list("product", "tier")
            tiers = dict(rows)
        cache.set(key, tiers, timeout=3600)
    return Entitlements(tiers=tiers)


@receiver([post_save, post_delete], sender=Subscription)
def _forget_entitlements(sender: type[Subscription], instance: Subscription, **kwargs: Any) -> None:
    transaction.on_commit(lambda: cache.delete(_cache_key(instance.account_id)))
    cache.delete(_cache_key(instance.account_id))
