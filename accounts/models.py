"""Accounts (tenants), their subscriptions, people and teams.

Tenant tables carry the account in every primary and unique key (SPEC S12): their primary key is
`(account_id, id)` or a natural composite, so the schema can be distributed by account on Citus.
Rows reference other tenant rows through composite `ForeignObject`s on `(account_id, …_id)`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

TENANT_ROW_SEQUENCE = "tenant_row_id_seq"


def tenant_row_id() -> models.BigIntegerField:
    """An id drawn from the shared tenant-row sequence; unique with the account in the key."""
    return models.BigIntegerField(
        db_default=models.Func(models.Value(TENANT_ROW_SEQUENCE), function="nextval"),
        editable=False,
    )


class Tier(models.IntegerChoices):
    STARTER = 1, _("Starter")
    PROFESSIONAL = 2, _("Professional")
    ENTERPRISE = 3, _("Enterprise")


class Product(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    SERVICE = "service", _("Service")
    DATA = "data", _("Data")
    CONTENT = "content", _("Content")


class Role(models.TextChoices):
    SUPER_ADMIN = "super_admin", _("Super admin")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class SessionTimeout(models.IntegerChoices):
    """How long an account's session may sit idle, in minutes (Security → Login)."""

    MINUTES_30 = 30, _("30 minutes")
    HOUR_1 = 60, _("1 hour")
    HOURS_4 = 240, _("4 hours")
    HOURS_8 = 480, _("8 hours")
    HOURS_12 = 720, _("12 hours")
    HOURS_24 = 1440, _("24 hours")


class Department(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    ACCOUNT_MANAGEMENT = "account_management", _("Account Management")
    SERVICES = "services", _("Services")
    CUSTOMER_SUPPORT = "customer_support", _("Customer Support")
    SALES = "sales", _("Sales")
    PRODUCT_UX = "product_ux", _("Product/User Experience")
    OTHER = "other", _("Other")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in by email; may belong to several accounts."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("name"), max_length=150)
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Account(models.Model):
    """A customer portal: the tenant every other row belongs to."""

    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    default_language = models.CharField(_("default language"), max_length=8, default="en")
    employee_access_allowed = models.BooleanField(default=False)
    login_settings_configured = models.BooleanField(default=False)
    # Security → Two-factor authentication: members without a second factor must set one up.
    two_factor_required = models.BooleanField(default=False)
    # Security → Login: minutes a session may sit idle on this account's pages; None: no limit
    # beyond the session's own lifetime.
    session_timeout = models.PositiveIntegerField(
        null=True, blank=True, choices=SessionTimeout.choices
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """A row owned by one account; unscoped queries fail loudly through django-scopes."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")

    # django-scopes builds its manager class at run time; to the type checker it is a Manager.
    objects: ClassVar[models.Manager[Self]] = ScopedManager(account="account")

    class Meta:
        abstract = True


class Subscription(TenantModel):
    """An account holds a product at a tier."""

    pk = models.CompositePrimaryKey("account", "product")
    product = models.CharField(max_length=16, choices=Product.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.get_tier_display()}"


class Membership(TenantModel):
    """A person's place in an account: role and audit-log access."""

    pk = models.CompositePrimaryKey("account", "user")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    audit_log_access = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "account"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.account_id} ({self.role})"

    @property
    def is_super_admin(self) -> bool:
        return self.role == Role.SUPER_ADMIN

    @property
    def has_audit_log_access(self) -> bool:
        return self.is_active and (self.is_super_admin or self.audit_log_access)


class Team(TenantModel):
    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint("account", "name", name="team_name_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(TenantModel):
    pk = models.CompositePrimaryKey("account", "team_id", "user")
    team_id = models.BigIntegerField()
    team = models.ForeignObject(
        Team,
        on_delete=models.CASCADE,
        from_fields=("account", "team_id"),
        to_fields=("account", "id"),
        related_name="members",
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")

    class Meta:
        indexes = [models.Index(fields=["account", "user"], name="teammember_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in team {self.team_id}"


class Employee(models.Model):
    """Staff of the platform vendor who may enter customer accounts (SPEC S10)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    department = models.CharField(max_length=32, choices=Department.choices)

    def __str__(self) -> str:
        return self.full_name
