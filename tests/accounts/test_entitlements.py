"""SPEC S1's gating table row by row for each tier; the audit tier; the Content Enterprise rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.entitlements import Capability, Entitlements, NotEntitled, entitlements_for
from accounts.models import Product, Tier
from tests.factories import AccountFactory, SubscriptionFactory, account_with_tier

ENTERPRISE_ONLY = "Available on Enterprise"

# (capability, Starter, Professional, Enterprise) — the seed's table (SPEC S1).
GATING_TABLE = [
    (Capability.BASIC_CATEGORIES, True, True, True),
    (Capability.ALL_CATEGORIES, False, False, True),
    (Capability.DETAIL_LOCATION, True, True, True),
    (Capability.DETAIL_METADATA, False, False, True),
    (Capability.RESTORE_RECORDS, False, False, True),
    (Capability.ANALYZE, False, False, True),
    (Capability.EMPLOYEE_ACTIONS, False, False, True),
    (Capability.EMPLOYEE_LOGIN_EXPORT, True, True, True),
]
TIER_COLUMN = {Tier.STARTER: 1, Tier.PROFESSIONAL: 2, Tier.ENTERPRISE: 3}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_table_covers_every_capability():
    covered = {row[0] for row in GATING_TABLE} | {Capability.CONTENT_EXPORT}
    assert covered == set(Capability)


@pytest.mark.parametrize("tier", list(TIER_COLUMN))
@pytest.mark.parametrize("row", GATING_TABLE, ids=lambda row: row[0].value)
def test_gating_table_row(row, tier):
    capability, expected = row[0], row[TIER_COLUMN[tier]]
    # The tier held on a product other than Content, as most accounts do.
    entitlements = Entitlements(tiers={Product.SALES: tier})

    assert entitlements.allows(capability) is expected
    if expected:
        assert entitlements.reason(capability) == ""
        entitlements.require(capability)  # does not raise
    else:
        assert entitlements.reason(capability) == ENTERPRISE_ONLY
        with pytest.raises(NotEntitled) as raised:
            entitlements.require(capability)
        assert raised.value.capability == capability
        assert str(raised.value) == ENTERPRISE_ONLY
        assert isinstance(raised.value, PermissionDenied)


@pytest.mark.parametrize(
    ("tiers", "allowed"),
    [
        ({Product.CONTENT: Tier.ENTERPRISE}, True),
        ({Product.CONTENT: Tier.ENTERPRISE, Product.SALES: Tier.STARTER}, True),
        # Enterprise elsewhere makes the audit tier Enterprise, but not this rule.
        ({Product.SALES: Tier.ENTERPRISE, Product.MARKETING: Tier.ENTERPRISE}, False),
        ({Product.SALES: Tier.ENTERPRISE, Product.CONTENT: Tier.PROFESSIONAL}, False),
        ({Product.CONTENT: Tier.STARTER}, False),
        ({}, False),
    ],
)
def test_content_export_needs_content_enterprise(tiers, allowed):
    entitlements = Entitlements(tiers=tiers)

    assert entitlements.allows(Capability.CONTENT_EXPORT) is allowed
    if allowed:
        assert entitlements.reason(Capability.CONTENT_EXPORT) == ""
    else:
        assert entitlements.reason(Capability.CONTENT_EXPORT) == (
            "Available with Content Enterprise"
        )
        with pytest.raises(NotEntitled):
            entitlements.require(Capability.CONTENT_EXPORT)


def test_content_enterprise_alone_makes_the_audit_tier_enterprise():
    entitlements = Entitlements(tiers={Product.CONTENT: Tier.ENTERPRISE})

    assert entitlements.audit_tier == Tier.ENTERPRISE
    assert entitlements.allows(Capability.ALL_CATEGORIES)


@pytest.mark.parametrize(
    ("tiers", "audit_tier"),
    [
        ({Product.MARKETING: Tier.STARTER}, Tier.STARTER),
        ({Product.MARKETING: Tier.STARTER, Product.SALES: Tier.PROFESSIONAL}, Tier.PROFESSIONAL),
        (
            {
                Product.MARKETING: Tier.PROFESSIONAL,
                Product.SERVICE: Tier.ENTERPRISE,
                Product.DATA: Tier.STARTER,
            },
            Tier.ENTERPRISE,
        ),
        ({}, Tier.STARTER),  # no subscription at all: the lowest tier, never an error
    ],
)
def test_audit_tier_is_the_highest_tier_across_products(tiers, audit_tier):
    assert Entitlements(tiers=tiers).audit_tier == audit_tier


@pytest.mark.django_db
def test_entitlements_for_reads_only_that_accounts_subscriptions():
    account = AccountFactory()
    SubscriptionFactory(account=account, product=Product.MARKETING, tier=Tier.STARTER)
    SubscriptionFactory(account=account, product=Product.SERVICE, tier=Tier.PROFESSIONAL)
    account_with_tier(Tier.ENTERPRISE, products=tuple(Product))  # a richer neighbour

    entitlements = entitlements_for(account=account)

    assert entitlements.tiers == {"marketing": Tier.STARTER, "service": Tier.PROFESSIONAL}
    assert entitlements.audit_tier == Tier.PROFESSIONAL
    assert not entitlements.allows(Capability.RESTORE_RECORDS)
    assert entitlements.reason(Capability.RESTORE_RECORDS) == ENTERPRISE_ONLY


@pytest.mark.django_db
def test_entitlements_for_enterprise_account(account):
    entitlements = entitlements_for(account=account)

    assert entitlements.audit_tier == Tier.ENTERPRISE
    assert all(entitlements.allows(capability) for capability in Capability)
