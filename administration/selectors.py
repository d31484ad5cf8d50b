"""Reads of account administration: the members list, invitations, teams."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_scopes import scope

from accounts.models import Account, Membership, Team, TeamMember, User
from administration.models import Invitation, InvitationStatus
from administration.tokens import invitation_key

MEMBERS_PAGE = 50


@dataclass(frozen=True)
class MemberCursor:
    """Where a page of the members list ends: the sort name and user id of its last row."""

    name: str
    user_id: int

    def encode(self) -> str:
        raw = json.dumps([self.name, self.user_id], ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> MemberCursor | None:
        """A cursor from the URL, or None when it is malformed (the first page is shown)."""
        try:
            name, user_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            return cls(name=str(name), user_id=int(user_id))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    teams: list[str]
    two_factor: bool

    @property
    def user(self) -> User:
        return self.membership.user


@dataclass(frozen=True)
class MembersPage:
    rows: list[MemberRow]
    next_cursor: MemberCursor | None


def _sort_name() -> Lower:
    # People without a name sort by their email, as the list shows them.
    return Lower(
        Coalesce(NullIf("user__full_name", Value("")), "user__email", output_field=CharField())
    )


def members_page(
    *,
    account: Account,
    query: str = "",
    status: str = "",
    after: MemberCursor | None = None,
    size: int = MEMBERS_PAGE,
) -> MembersPage:
    """One page of the account's members by name, optionally matching a name or email and a
    status ("active" or "deactivated"); keyset-paged on (name, user id), never OFFSET."""
    qs = (
        Membership.objects.filter(account=account)
        .select_related("user")
        .annotate(sort_name=_sort_name())
    )
    if query:
        qs = qs.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    if status in ("active", "deactivated"):
        qs = qs.filter(is_active=status == "active")
    if after is not None:
        qs = qs.filter(
            Q(sort_name__gt=after.name) | Q(sort_name=after.name, user_id__gt=after.user_id)
        )
    memberships = list(qs.order_by("sort_name", "user_id")[: size + 1])
    more = len(memberships) > size
    memberships = memberships[:size]
    user_ids = [m.user_id for m in memberships]
    teams = team_names_of(account=account, user_ids=user_ids)
    secured = two_factor_user_ids(user_ids=user_ids)
    rows = [
        MemberRow(membership=m, teams=teams.get(m.user_id, []), two_factor=m.user_id in secured)
        for m in memberships
    ]
    last = memberships[-1] if more else None
    cursor = MemberCursor(name=last.sort_name, user_id=last.user_id) if last else None
    return MembersPage(rows=rows, next_cursor=cursor)


def member_get(*, account: Account, user_id: int) -> Membership | None:
    """A member of the account (active or deactivated) with the person, or None."""
    return (
        Membership.objects.filter(account=account, user_id=user_id).select_related("user").first()
    )


def member_row(*, account: Account, membership: Membership) -> MemberRow:
    """One member as the list shows them."""
    teams = team_names_of(account=account, user_ids=[membership.user_id])
    secured = two_factor_user_ids(user_ids=[membership.user_id])
    return MemberRow(
        membership=membership,
        teams=teams.get(membership.user_id, []),
        two_factor=membership.user_id in secured,
    )


def team_names_of(*, account: Account, user_ids: Collection[int]) -> dict[int, list[str]]:
    """The names of the account's teams each of these people is in, by name."""
    names: dict[int, list[str]] = defaultdict(list)
    if not user_ids:
        return names
    rows = (
        TeamMember.objects.filter(account=account, user_id__in=list(user_ids))
        .order_by("team__name")
        .values_list("user_id", "team__name")
    )
    for user_id, name in rows:
        names[user_id].append(name)
    return names


def two_factor_user_ids(*, user_ids: Collection[int]) -> set[int]:
    """The people among these who sign in with a second factor: a confirmed device of any
    django-otp kind, as `django_otp.user_has_device` counts them."""
    if not user_ids:
        return set()
    found: set[int] = set()
    for device_model in device_classes():
        found |= set(
            device_model.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list(
                "user_id", flat=True
            )
        )
    return found


def invitations_open(*, account: Account) -> list[Invitation]:
    """The account's invitations not yet accepted or revoked (expired ones too), newest first."""
    return list(
        Invitation.objects.filter(account=account, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .order_by("-sent_at", "-id")
    )


def invitation_get(*, account: Account, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(account=account, id=invitation_id).first()


def invitation_from_token(*, token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for a link not signed here, or one
    a resend replaced (its nonce is no longer the invitation's)."""
    key = invitation_key(token)
    if key is None:
        return None
    account = Account.objects.filter(pk=key.account_id).first()
    if account is None:
        return None
    with scope(account=account):
        invitation = (
            Invitation.objects.filter(account=account, id=key.invitation_id, nonce=key.nonce)
            .select_related("account", "invited_by")
            .first()
        )
    return invitation


def teams_with_counts(*, account: Account) -> QuerySet[Team]:
    """The account's teams by name, each with its number of members."""
    return (
        Team.objects.filter(account=account)
        .annotate(member_count=Count("members"))
        .order_by("name", "id")
    )


def team_get(*, account: Account, team_id: int) -> Team | None:
    return Team.objects.filter(account=account, id=team_id).first()


def team_members(*, account: Account, team: Team) -> list[Membership]:
    """The members of a team with their person, by name."""
    user_ids = TeamMember.objects.filter(account=account, team_id=team.id).values("user_id")
    return list(
        Membership.objects.filter(account=account, user_id__in=user_ids)
        .select_related("user")
        .annotate(sort_name=_sort_name())
        .order_by("sort_name", "user_id")
    )


def members_not_in_team(*, account: Account, team: Team) -> list[Membership]:
    """The account's active members who are not in the team, for its Add member picker."""
    user_ids = TeamMember.objects.filter(account=account, team_id=team.id).values("user_id")
    return list(
        Membership.objects.filter(account=account, is_active=True)
        .exclude(user_id__in=user_ids)
        .select_related("user")
        .annotate(sort_name=_sort_name())
        .order_by("sort_name", "user_id")
    )


def local_time(account: Account, when: dt.datetime) -> str:
    """A moment as the account's people read it: in its time zone, in the active language."""
    zone: dt.tzinfo
    try:
        zone = zoneinfo.ZoneInfo(account.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return formats.date_format(timezone.localtime(when, zone), "DATETIME_FORMAT")


def invitation_refusal(invitation: Invitation) -> str | None:
    """Why an invitation's link no longer works (accepted, revoked or expired), or None."""
    account = invitation.account
    if invitation.status == InvitationStatus.ACCEPTED:
        return _("This invitation was accepted already. Sign in to open %(account)s.") % {
            "account": account.name
        }
    if invitation.status == InvitationStatus.REVOKED:
        return _(
            "This invitation was withdrawn. Ask a super admin of %(account)s for a new one."
        ) % {"account": account.name}
    if invitation.is_expired:
        return _(
            "This invitation expired on %(date)s. "
            "Ask a super admin of %(account)s to send it again."
        ) % {"date": local_time(account, invitation.expires_at), "account": account.name}
    return None
