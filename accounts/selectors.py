"""Reads about accounts, people and teams."""

from __future__ import annotations

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
