"""The event catalog (SPEC S2): the seed's 22 categories, the console's own, and validation."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.entitlements import Capability, Entitlements
from accounts.models import Product, Tier
from auditlog import catalog
from auditlog.selectors import visible_categories

# SPEC S2, in the seed's order.
SEED_CATEGORIES = [
    "Login",
    "Security activity",
    "Approvals",
    "Communication preferences",
    "Content activity",
    "CRM objects",
    "CRM object association",
    "CRM object association definition updated",
    "Custom object association",
    "Customer agent actions",
    "Privacy requests",
    "Lists",
    "Meetings",
    "Multi-account management",
    "Pipeline changes",
    "Property updates",
    "Value updates",
    "Record creation form",
    "Salesforce activity",
    "Sensitive properties",
    "Settings",
    "Workflows",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_platform_categories_are_the_seeds_22():
    assert len(SEED_CATEGORIES) == 22
    assert len(catalog.PLATFORM_CATEGORIES) == 22
    labels = [str(catalog.CATEGORY_INDEX[code].label) for code in catalog.PLATFORM_CATEGORIES]
    assert labels == SEED_CATEGORIES


def test_the_console_has_its_own_category_besides_the_platforms():
    own = [c for c in catalog.CATEGORIES if c.code not in catalog.PLATFORM_CATEGORIES]
    assert [c.code for c in own] == ["audit_logs"]
    assert {s.code for s in own[0].subcategories} >= {"log_view", "saved_view", "comment"}


def test_codes_are_unique():
    codes = [c.code for c in catalog.CATEGORIES]
    assert len(codes) == len(set(codes))
    for category in catalog.CATEGORIES:
        subs = [s.code for s in category.subcategories]
        assert subs, f"{category.code} has no subcategory"
        assert len(subs) == len(set(subs)), category.code
    actions = [a.code for a in catalog.ACTIONS]
    assert len(actions) == len(set(actions))


def test_login_subcategories():
    login = catalog.category("login")
    assert [str(s.label) for s in login.subcategories] == [
        "Login succeeded",
        "Login failed",
        "Logout",
    ]


def test_spec_actions_are_present():
    labels = {str(a.label) for a in catalog.ACTIONS}
    required = {
        "Create",
        "Update",
        "Delete",
        "Restore",
        "Export",
        "Import",
        "Login",
        "Logout",
        "Enable",
        "Disable",
        "Add",
        "Remove",
    }
    assert required <= labels


def test_only_login_and_security_activity_are_basic():
    basic = [c.code for c in catalog.CATEGORIES if c.capability == Capability.BASIC_CATEGORIES]
    assert basic == ["login", "security_activity"]
    others = {c.capability for c in catalog.CATEGORIES if c.code not in basic}
    assert others == {Capability.ALL_CATEGORIES}


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (Tier.STARTER, ["login", "security_activity"]),
        (Tier.PROFESSIONAL, ["login", "security_activity"]),
        (Tier.ENTERPRISE, [c.code for c in catalog.CATEGORIES]),
    ],
)
def test_visible_categories_per_tier(tier, expected):
    entitlements = Entitlements(tiers={Product.SALES: tier})
    assert visible_categories(entitlements=entitlements) == expected


def test_categories_for_gives_the_reason_of_each_gated_category():
    rows = catalog.categories_for(Entitlements(tiers={Product.SALES: Tier.STARTER}))
    by_code = {category.code: (allowed, reason) for category, allowed, reason in rows}
    assert by_code["login"] == (True, "")
    assert by_code["workflows"] == (False, "Available on Enterprise")
    assert len(rows) == len(catalog.CATEGORIES)


def test_validate_accepts_a_catalog_entry():
    category = catalog.validate(
        category_code="crm_objects", subcategory_code="deal", action_code="delete"
    )
    assert category.code == "crm_objects"


@pytest.mark.parametrize(
    ("codes", "field_name", "value"),
    [
        (("crm_stuff", "deal", "delete"), "category", "crm_stuff"),
        (("crm_objects", "login_failed", "delete"), "subcategory", "login_failed"),
        (("crm_objects", "deal", "obliterate"), "action", "obliterate"),
        (("login", "login_succeeded", "restore"), "action", "restore"),
        (("", "deal", "delete"), "category", ""),
    ],
)
def test_validate_names_the_unknown_field(codes, field_name, value):
    category, subcategory, action = codes
    with pytest.raises(catalog.UnknownEntry) as raised:
        catalog.validate(category_code=category, subcategory_code=subcategory, action_code=action)
    assert raised.value.field_name == field_name
    assert raised.value.value == value
    assert field_name in str(raised.value)
    assert repr(value) in str(raised.value)


def test_every_subcategory_records_actions_of_the_catalog():
    for category in catalog.CATEGORIES:
        for sub in category.subcategories:
            recorded = catalog.RECORDED_ACTIONS[(category.code, sub.code)]
            assert recorded and recorded <= set(catalog.ACTION_INDEX), (category.code, sub.code)
    subcategories = {(c.code, s.code) for c in catalog.CATEGORIES for s in c.subcategories}
    assert set(catalog.RECORDED_ACTIONS) == subcategories


def test_the_actions_of_a_category_and_of_a_subcategory():
    def codes(*args: str) -> list[str]:
        return [a.code for a in catalog.actions_for(*args)]

    assert codes() == [a.code for a in catalog.ACTIONS]
    assert codes("login") == ["login", "logout"]
    assert codes("login", "logout") == ["logout"]
    assert codes("security_activity", "export") == ["export", "download"]
    assert codes("crm_objects") == ["create", "update", "delete", "restore"]
    assert codes("audit_logs", "comment") == ["create", "update", "delete", "resolve", "reopen"]
    assert codes("no_such_category") == []


def test_labels_translate_and_unknown_codes_show_as_themselves():
    assert catalog.label_of("category", "crm_objects") == "CRM objects"
    assert catalog.label_of("subcategory", "login_failed") == "Login failed"
    assert catalog.label_of("action", "restore") == "Restore"
    assert catalog.label_of("category", "retired_category") == "retired_category"


def test_object_types_translate_and_unknown_types_read_as_words():
    from django.utils import translation

    assert catalog.label_of("object_type", "crm_export") == "CRM export"
    assert catalog.label_of("object_type", "loyalty_card") == "Loyalty card"
    with translation.override("nl"):
        assert catalog.label_of("object_type", "contact") == "Contactpersoon"
        assert catalog.label_of("category", "crm_objects") != "CRM objects"
    assert catalog.label_of("object_type", "contact") == "Contact"
