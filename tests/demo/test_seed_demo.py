"""`manage.py seed_demo` (ENGINEERING.md §1): the demo data the checks sign in with, idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.entitlements import entitlements_for
from accounts.models import (
    Account,
    Department,
    Employee,
    Membership,
    Product,
    Role,
    Subscription,
    Team,
    TeamMember,
    Tier,
    User,
)
from auditlog import catalog
from auditlog.enrichment import locate, parse_user_agent
from auditlog.models import ActorType, Event
from crm.models import Association, Record
from demo import data

pytestmark = pytest.mark.django_db

EVENTS = 3000
PASSWORD = "auditdesk-demo"
CONTRACT_ACCOUNTS = ("Northwind Traders", "Globex", "Initech")
# email → (account, role, audit-log access), as the contract's table says.
CONTRACT_USERS = {
    "ada@northwind.example": ("Northwind Traders", Role.SUPER_ADMIN, True),
    "grace@northwind.example": ("Northwind Traders", Role.ADMIN, True),
    "linus@northwind.example": ("Northwind Traders", Role.MEMBER, False),
    "hank@globex.example": ("Globex", Role.SUPER_ADMIN, True),
    "marge@globex.example": ("Globex", Role.MEMBER, False),
    "peter@initech.example": ("Initech", Role.SUPER_ADMIN, True),
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--events", str(EVENTS), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> Iterator[dict[str, Account]]:
    output = seed()
    assert "Seeded" in output
    # The suite checks across the demo accounts, outside any one tenant's scope.
    with scopes_disabled():
        yield {a.name: a for a in Account.objects.filter(name__in=CONTRACT_ACCOUNTS)}


def test_accounts_have_the_contract_tiers(seeded: dict[str, Account]):
    assert set(seeded) == set(CONTRACT_ACCOUNTS)
    northwind, globex, initech = (seeded[name] for name in CONTRACT_ACCOUNTS)
    assert entitlements_for(account=northwind).audit_tier == Tier.ENTERPRISE
    assert dict(Subscription.objects.filter(account=northwind).values_list("product", "tier")) == {
        product.value: Tier.ENTERPRISE for product in Product
    }
    assert northwind.time_zone == "Europe/Amsterdam"
    assert northwind.employee_access_allowed

    assert entitlements_for(account=globex).audit_tier == Tier.PROFESSIONAL
    globex_tiers = set(Subscription.objects.filter(account=globex).values_list("tier", flat=True))
    assert globex_tiers == {Tier.PROFESSIONAL, Tier.STARTER}

    assert entitlements_for(account=initech).audit_tier == Tier.STARTER


def test_contract_users_sign_in_with_their_roles_and_access(seeded: dict[str, Account]):
    for email, (account_name, role, access) in CONTRACT_USERS.items():
        user = User.objects.get(email=email)
        assert user.full_name and user.is_active
        assert user.check_password(PASSWORD), email
        membership = Membership.objects.get(account=seeded[account_name], user=user)
        assert membership.role == role, email
        assert membership.has_audit_log_access is access, email
    assert User.objects.get(email="ada@northwind.example").language == "en"


def test_a_consultant_works_in_two_accounts(seeded: dict[str, Account], client):
    morgan = User.objects.get(email="morgan@partners.example")
    accounts = set(Membership.objects.filter(user=morgan).values_list("account__name", flat=True))
    assert accounts == {"Globex", "Initech"}
    # Sign-in protection (django-axes) judges each attempt by its request.
    assert client.login(request=HttpRequest(), email=morgan.email, password=PASSWORD)
    landing = client.get("/", follow=True).content.decode()
    for name in ("Globex", "Initech"):
        assert f"/a/{seeded[name].pk}/" in landing


def test_every_account_has_teams_with_members(seeded: dict[str, Account]):
    for account in seeded.values():
        teams = set(Team.objects.filter(account=account).values_list("id", flat=True))
        staffed = set(TeamMember.objects.filter(account=account).values_list("team_id", flat=True))
        assert len(teams) >= 2, account.name
        assert staffed == teams, account.name
    northwind_people = Membership.objects.filter(account=seeded["Northwind Traders"])
    assert northwind_people.count() > 6  # more than the contract's three: "Changed by" has choice


def test_events_cover_every_platform_category_and_subcategory(seeded: dict[str, Account]):
    northwind = seeded["Northwind Traders"]
    pairs = set(
        Event.objects.filter(account=northwind).values_list("category", "subcategory").distinct()
    )
    for code in catalog.PLATFORM_CATEGORIES:
        for sub in catalog.category(code).subcategories:
            assert (code, sub.code) in pairs, (code, sub.code)
    total = Event.objects.filter(account__in=seeded.values()).count()
    assert EVENTS * 0.9 <= total <= EVENTS * 1.6  # scripted history comes on top of the stream
    # Mostly Northwind; the others mostly Login and Security activity.
    assert Event.objects.filter(account=northwind).count() > total * 0.7
    for name in ("Globex", "Initech"):
        events = Event.objects.filter(account=seeded[name])
        basic = events.filter(category__in=("login", "security_activity")).count()
        assert basic > events.count() / 2, name


def test_events_are_realistic_and_enriched(seeded: dict[str, Account]):
    events = Event.objects.filter(account__in=seeded.values())
    now = timezone.now()
    oldest = events.order_by("occurred_at").first().occurred_at
    assert now - dt.timedelta(days=121) <= oldest
    assert events.order_by("-occurred_at").first().occurred_at <= now
    # Activity spreads over time: no instant (such as "now") holds a pile of events.
    busiest = events.values("occurred_at").annotate(n=Count("id")).order_by("-n").first()
    assert busiest["n"] <= 3
    located = events.exclude(country_code="").count()
    assert located > events.count() * 0.9  # real public addresses resolve in GeoLite2
    assert events.filter(actor_type=ActorType.USER).exclude(browser="").exists()
    assert events.filter(action="update").exclude(metadata__before=None).exists()
    assert not events.filter(actor_type=ActorType.USER, actor_user=None).exists()
    salesforce = events.filter(actor_type=ActorType.INTEGRATION, category="salesforce_activity")
    assert salesforce.exists()
    assert not salesforce.filter(actor_user=None).exists()
    assert set(salesforce.values_list("actor_integration", flat=True)) == {"Salesforce sync"}
    # Each person mostly uses one or two addresses.
    ada = User.objects.get(email="ada@northwind.example")
    ada_events = events.filter(actor_user=ada, actor_type=ActorType.USER)
    top_two = ada_events.values("ip_address").annotate(n=Count("id")).order_by("-n")[:2]
    assert sum(row["n"] for row in top_two) > ada_events.count() * 0.8


def test_employee_logins_with_departments_in_every_account(seeded: dict[str, Account]):
    since = timezone.now() - dt.timedelta(days=90)
    for account in seeded.values():
        logins = Event.objects.filter(
            account=account,
            actor_type=ActorType.EMPLOYEE,
            category="login",
            subcategory="login_succeeded",
            occurred_at__gte=since,
        )
        departments = set(logins.values_list("actor_department", flat=True))
        assert departments == set(Department.values), account.name
        assert not logins.filter(actor_employee=None).exists()
    employee_actions = Event.objects.filter(
        account=seeded["Northwind Traders"], actor_type=ActorType.EMPLOYEE
    ).exclude(category="login")
    assert employee_actions.exists()
    assert set(Employee.objects.values_list("department", flat=True)) >= set(Department.values)


def test_deleted_records_before_and_after_90_days_with_delete_events(
    seeded: dict[str, Account],
):
    northwind = seeded["Northwind Traders"]
    cutoff = timezone.now() - dt.timedelta(days=90)
    deleted = Record.objects.filter(account=northwind, deleted_at__isnull=False)
    assert deleted.filter(deleted_at__gt=cutoff).exists()
    assert deleted.filter(deleted_at__lte=cutoff).exists()
    assert {r.object_type for r in deleted} >= {"contact", "company", "deal"}
    for record in deleted:
        assert record.deleted_by is not None
        event = Event.objects.get(
            account=northwind,
            category="crm_objects",
            action="delete",
            object_type=record.object_type,
            object_id=str(record.id),
            occurred_at=record.deleted_at,
        )
        assert event.subcategory == record.object_type
        assert event.object_label == record.label
        assert event.url == f"/a/{northwind.pk}/crm/records/{record.id}/"
        assert event.actor_user_id == record.deleted_by_id
    # Restored records are alive, and their Restore event names the Delete event it undid.
    for restore in Event.objects.filter(
        account=northwind, category="crm_objects", action="restore"
    ):
        record = Record.objects.get(account=northwind, id=int(restore.object_id))
        assert record.deleted_at is None
        assert Event.objects.filter(
            account=northwind, id=restore.metadata["delete_event_id"], action="delete"
        ).exists()
    assert Association.objects.filter(account=northwind).exists()


def _counts() -> dict[str, int]:
    return {
        "accounts": Account.objects.filter(name__in=CONTRACT_ACCOUNTS).count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "teams": Team.objects.count(),
        "team members": TeamMember.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "employees": Employee.objects.count(),
        "records": Record.objects.count(),
        "associations": Association.objects.count(),
        "events": Event.objects.count(),
    }


def test_a_second_run_creates_nothing_twice(seeded: dict[str, Account]):
    before = _counts()
    output = seed()
    assert _counts() == before
    assert "0 events added" in output

    assert seed("--if-empty").strip() == "Demo data already present; nothing to do."
    assert _counts() == before


def test_demo_addresses_and_user_agents_are_real():
    """Enrichment in the demo is real: every address resolves, every browser is recognised."""
    unresolved = [ip for ip in data.ALL_IPS if not locate(ip).country_code]
    assert not unresolved
    assert len(set(data.ALL_IPS)) >= 60
    assert len({locate(ip).country_code for ip in data.ALL_IPS}) >= 15
    assert all(parse_user_agent(agent).browser for agent in data.USER_AGENTS)
    assert len(data.USER_AGENTS) >= 20
