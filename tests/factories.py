"""Factories for the suite: one per model the tests build, typed so callers get the model back.

Tenant models use django-scopes' ScopedManager; `Manager.create()` is allowed without a scope,
and factories only create, so they work inside and outside `scope(account=…)`.
"""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

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
from administration.models import Invitation
from console.models import SavedView, Sharing
from crm.models import ObjectType, Record
from notifications.models import Kind, Notification

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class AccountFactory(DjangoModelFactory[Account]):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    account = factory.SubFactory(AccountFactory)
    product = Product.SALES
    tier = Tier.ENTERPRISE


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    audit_log_access = False
    is_active = True


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class TeamMemberFactory(DjangoModelFactory[TeamMember]):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    account = factory.SelfAttribute("team.account")
    team_id = factory.SelfAttribute("team.id")
    user = factory.SubFactory(UserFactory)


class InvitationFactory(DjangoModelFactory[Invitation]):
    """An open invitation, sent just now (its email already delivered)."""

    class Meta:
        model = Invitation

    account = factory.SubFactory(AccountFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.test")
    role = Role.MEMBER
    nonce = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    email_status = "sent"


class EmployeeFactory(DjangoModelFactory[Employee]):
    class Meta:
        model = Employee

    email = factory.Sequence(lambda n: f"staff{n}@vendor.test")
    full_name = factory.Faker("name")
    department = Department.CUSTOMER_SUPPORT


class RecordFactory(DjangoModelFactory[Record]):
    class Meta:
        model = Record

    account = factory.SubFactory(AccountFactory)
    object_type = ObjectType.CONTACT
    label = factory.Sequence(lambda n: f"Contact {n}")
    properties = factory.LazyFunction(dict)


class SavedViewFactory(DjangoModelFactory[SavedView]):
    class Meta:
        model = SavedView

    account = factory.SubFactory(AccountFactory)
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"View {n}")
    sharing = Sharing.PRIVATE
    filters = factory.LazyFunction(dict)


class NotificationFactory(DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    account = factory.SubFactory(AccountFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = Kind.ALERT
    title = factory.Sequence(lambda n: f"Notification {n}")


def account_with_tier(
    tier: Tier, *, products: tuple[Product, ...] = (Product.SALES,), **kwargs
) -> Account:
    """An account holding each of `products` at `tier`."""
    account = AccountFactory(**kwargs)
    for product in products:
        SubscriptionFactory(account=account, product=product, tier=tier)
    return account


def member_of(
    account: Account, *, role: Role = Role.MEMBER, audit_log_access: bool = False, **user_kwargs
) -> User:
    """A new person with a membership of `account`."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(account=account, user=user, role=role, audit_log_access=audit_log_access)
    return user
