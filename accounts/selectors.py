"""Reads about accounts, people and teams."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django_scopes import scope, scopes_disabled

from accounts.models import Account, Membership, Team, TeamMember, User


def membership_for(*, user: User, account_id: int | str) -> Membership | None:
    """The person's active membership of the account, or None (the caller answers 404)."""
    try:
        account_pk = int(account_id)
    except (TypeError, ValueError):
        return None
    with scopes_disabled():  # resolving the scope itself; filtered by user and account
        return (
            Membership.objects.select_related("account")
            .filter(user=user, account_id=account_pk, is_active=True)
            .first()
        )


def deactivated_in(*, user: User, account_id: int | str) -> Account | None:
    """The account, when the person is a deactivated member of it (they get a page saying so
    rather than a 404: they know the account exists)."""
    try:
        account_pk = int(account_id)
    except (TypeError, ValueError):
        return None
    with scopes_disabled():  # the person's own membership, found by user and account
        membership = (
            Membership.objects.select_related("account")
            .filter(user=user, account_id=account_pk, is_active=False)
            .first()
        )
    return membership.account if membership else None


def memberships_of(*, user: User) -> list[Membership]:
    """Every account the person belongs to, for the landing page and the account switcher."""
    with scopes_disabled():  # a person's accounts span tenants by definition
        return list(
            Membership.objects.select_related("account")
            .filter(user=user, is_active=True)
            .order_by("account__name")
        )


def account_menu_of(*, user: User) -> list[tuple[int, str]]:
    """(account id, name) of the person's accounts for the switcher; cached per person."""
    key = f"account-menu:v1:{user.pk}"
    menu = cache.get(key)
    if menu is None:
        menu = [(m.account_id, m.account.name) for m in memberships_of(user=user)]
        cache.set(key, menu, timeout=300)
    return menu


def account_menu_forget(*, user_id: int) -> None:
    cache.delete(f"account-menu:v1:{user_id}")


@dataclass(frozen=True)
class AccountSecurity:
    """An account's sign-in rules, as every request of its members checks them."""

    two_factor_required: bool = False
    session_timeout: int | None = None  # idle minutes; None: no limit of the account's own


def _security_key(account_id: int) -> str:
    return f"account-security:v1:{account_id}"


def account_security_of(*, account_ids: Collection[int]) -> dict[int, AccountSecurity]:
    """The sign-in rules of these accounts, cached per account (one round trip when warm)."""
    if not account_ids:
        return {}
    keys = {account_id: _security_key(account_id) for account_id in account_ids}
    cached = cache.get_many(list(keys.values()))
    found = {
        account_id: AccountSecurity(*cached[key])
        for account_id, key in keys.items()
        if key in cached
    }
    missing = [account_id for account_id in account_ids if account_id not in found]
    if missing:
        rows = Account.objects.filter(pk__in=missing).values_list(
            "pk", "two_factor_required", "session_timeout"
        )
        fresh = {pk: AccountSecurity(required, timeout) for pk, required, timeout in rows}
        cache.set_many(
            {
                _security_key(pk): (rule.two_factor_required, rule.session_timeout)
                for pk, rule in fresh.items()
            },
            timeout=300,
        )
        found |= fresh
    return found


def account_security_forget(*, account_id: int) -> None:
    cache.delete(_security_key(account_id))


def team_ids_of(*, account: Account, user: User) -> list[int]:
    """The ids of the account's teams the person is in now."""
    with scope(account=account):
        return list(
            TeamMember.objects.filter(account=account, user=user)
            .order_by("team_id")
            .values_list("team_id", flat=True)
        )


def teams_of_account(*, account: Account) -> QuerySet[Team]:
    return Team.objects.filter(account=account).order_by("name")
