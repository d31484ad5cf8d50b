"""Users and teams of an account (SPEC S9): invitations, roles, audit-log access, deactivation,
removal, password-reset emails and teams.

Only super admins change them. Each service is one transaction that locks the account's active
super admins first (in user order, so two changes queue up rather than deadlock): the actor must
still be one of them, and the last of them can be neither demoted, deactivated nor removed. Every
change records its Security activity event with the values before and after in the same
transaction; emails are rows with a delivery state, enqueued after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from accounts.errors import NotFound, Refused
from accounts.models import Account, Membership, Role, Team, TeamMember, User
from administration.models import Invitation, InvitationStatus, PasswordResetEmail
from administration.selectors import invitation_refusal, local_time
from administration.tokens import invitation_token
from auditlog.models import Event
from auditlog.services import Actor, EventInput, event_record
from notifications import dispatch
from notifications.delivery import EmailMessage, email_deliver, email_release_stuck
from notifications.models import EmailStatus
from notifications.services import absolute_url

INVITATION_VALID = dt.timedelta(days=7)
INVITATION_EMAIL_TASK = "administration.tasks.invitation_email_send"
PASSWORD_RESET_EMAIL_TASK = "administration.tasks.password_reset_email_send"
# The sweep re-enqueues emails still pending after this long (the broker lost them).
EMAIL_PENDING_GRACE = dt.timedelta(minutes=1)
TEAM_NAME_MAX = 120


@dataclass(frozen=True)
class NewPerson:
    """Someone accepting an invitation who has no sign-in yet."""

    full_name: str
    password: str


def _label(user: User) -> str:
    return user.full_name or user.email


def _record(
    *,
    account: Account,
    actor: User,
    subcategory: str,
    action: str,
    object_type: str,
    object_id: object,
    object_label: str,
    metadata: dict[str, Any],
    ip: str | None,
    user_agent: str,
    url: str,
) -> Event:
    return event_record(
        account=account,
        entry=EventInput(
            category="security_activity",
            subcategory=subcategory,
            action=action,
            actor=Actor.of_user(actor),
            object_type=object_type,
            object_id=str(object_id),
            object_label=object_label,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata=metadata,
        ),
    )


def _record_about_member(
    *, account: Account, by: Membership, target: Membership, subcategory: str, action: str,
    metadata: dict[str, Any], ip: str | None, user_agent: str, url: str,
) -> Event:  # fmt: skip
    return _record(
        account=account,
        actor=by.user,
        subcategory=subcategory,
        action=action,
        object_type="user",
        object_id=target.user_id,
        object_label=_label(target.user),
        metadata=metadata,
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


def _authorise(*, account: Account, by: Membership) -> set[int]:
    """Lock the account's active super admins and refuse unless the actor is still one of them;
    their user ids, for the last-super-admin rule."""
    supers = set(
        Membership.objects.select_for_update()
        .filter(account=account, role=Role.SUPER_ADMIN, is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if by.user_id not in supers:
        raise Refused(_("Only super admins can manage users and teams."))
    return supers


def _member_locked(*, account: Account, user_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(account=account, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("This person is not a member of this account."))
    return membership


def _keep_last_super_admin(*, target: Membership, supers: set[int]) -> None:
    if target.is_super_admin and target.is_active and not supers - {target.user_id}:
        raise Refused(
            _(
                "%(name)s is the last active super admin of this account. "
                "Make someone else a super admin first."
            )
            % {"name": _label(target.user)}
        )


# Invitations -------------------------------------------------------------------------------


def _invitation_metadata(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "audit_log_access": invitation.audit_log_access,
        "expires_at": invitation.expires_at.isoformat(),
    }


@transaction.atomic
def member_invite(
    *,
    account: Account,
    by: Membership,
    email: str,
    role: str,
    audit_log_access: bool = False,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Invitation:
    """Invite a person by email to join with a role, by a link valid for 7 days: a super admin's
    action, refused for an address that is a member already or has an open invitation."""
    if role not in Role.values:
        raise Refused(_("Choose a role: member, admin or super admin."))
    _authorise(account=account, by=by)
    address = email.strip().lower()
    person = User.objects.filter(email__iexact=address).first()
    membership = Membership.objects.filter(account=account, user=person).first() if person else None
    if membership is not None:
        message = (
            _("%(email)s is already a member of this account.")
            if membership.is_active
            else _("%(email)s is a deactivated member of this account: reactivate them instead.")
        )
        raise Refused(message % {"email": address})
    already = _("%(email)s has an open invitation already: send it again from the list.")
    if Invitation.objects.filter(
        account=account, email__iexact=address, status=InvitationStatus.PENDING
    ).exists():
        raise Refused(already % {"email": address})
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                account=account,
                email=address,
                role=role,
                audit_log_access=audit_log_access,
                invited_by=by.user,
                nonce=secrets.token_urlsafe(16),
                created_at=now,
                sent_at=now,
                expires_at=now + INVITATION_VALID,
            )
    except IntegrityError:  # invited at the same moment by someone else
        raise Refused(already % {"email": address}) from None
    _record_about_invitation(
        account=account,
        actor=by.user,
        invitation=invitation,
        action="send",
        metadata=_invitation_metadata(invitation),
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    dispatch.enqueue_on_commit(INVITATION_EMAIL_TASK, [account.pk, invitation.id])
    return invitation


def _record_about_invitation(
    *, account: Account, actor: User, invitation: Invitation, action: str,
    metadata: dict[str, Any], ip: str | None, user_agent: str, url: str,
) -> Event:  # fmt: skip
    return _record(
        account=account,
        actor=actor,
        subcategory="invitation",
        action=action,
        object_type="invitation",
        object_id=invitation.id,
        object_label=invitation.email,
        metadata=metadata,
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


def _open_invitation_locked(*, account: Account, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().filter(account=account, id=invitation_id).first()
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist."))
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Refused(_("This invitation was accepted already."))
    if invitation.status == InvitationStatus.REVOKED:
        raise Refused(_("This invitation was revoked."))
    return invitation


@transaction.atomic
def invitation_resend(
    *,
    account: Account,
    by: Membership,
    invitation_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Invitation:
    """Send an open invitation again with a new link, valid for 7 more days; the link sent before
    stops working. A super admin's action."""
    _authorise(account=account, by=by)
    invitation = _open_invitation_locked(account=account, invitation_id=invitation_id)
    now = timezone.now()
    invitation.nonce = secrets.token_urlsafe(16)
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALID
    invitation.email_status = EmailStatus.PENDING
    invitation.email_attempts = 0
    invitation.email_claimed_at = None
    invitation.save(
        update_fields=[
            "nonce",
            "sent_at",
            "expires_at",
            "email_status",
            "email_attempts",
            "email_claimed_at",
        ]
    )
    _record_about_invitation(
        account=account,
        actor=by.user,
        invitation=invitation,
        action="send",
        metadata={**_invitation_metadata(invitation), "resent": True},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    dispatch.enqueue_on_commit(INVITATION_EMAIL_TASK, [account.pk, invitation.id])
    return invitation


@transaction.atomic
def invitation_revoke(
    *,
    account: Account,
    by: Membership,
    invitation_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Invitation:
    """Withdraw an open invitation, so its link no longer works: a super admin's action."""
    _authorise(account=account, by=by)
    invitation = _open_invitation_locked(account=account, invitation_id=invitation_id)
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])
    _record_about_invitation(
        account=account,
        actor=by.user,
        invitation=invitation,
        action="revoke",
        metadata={"email": invitation.email, "role": invitation.role},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    person: User | NewPerson,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Membership:
    """Join the account an invitation names, once and before it expires: a person with a sign-in
    as themselves (the invitation's address must be theirs), a new person with a name and a
    password. The invitation is accepted and the person added, as the events say."""
    account = invitation.account
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("account", "invited_by")
        .filter(account=account, id=invitation.id)
        .first()
    )
    if locked is None or locked.nonce != invitation.nonce:
        raise NotFound(_("This invitation link is not valid."))
    refusal = invitation_refusal(locked)
    if refusal:
        raise Refused(refusal)
    if isinstance(person, NewPerson):
        if User.objects.filter(email__iexact=locked.email).exists():
            raise Refused(
                _("%(email)s can sign in already: sign in to accept the invitation.")
                % {"email": locked.email}
            )
        user = User.objects.create_user(
            email=locked.email, password=person.password, full_name=person.full_name.strip()
        )
    else:
        if person.email.lower() != locked.email.lower():
            raise Refused(
                _("This invitation is for %(email)s. Sign in with that address to accept it.")
                % {"email": locked.email}
            )
        user = person
    if Membership.objects.filter(account=account, user=user).exists():
        raise Refused(_("You are a member of %(account)s already.") % {"account": account.name})
    membership = Membership.objects.create(
        account=account, user=user, role=locked.role, audit_log_access=locked.audit_log_access
    )
    locked.status = InvitationStatus.ACCEPTED
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["status", "accepted_at", "accepted_by"])
    inviter = locked.invited_by.email if locked.invited_by else ""
    _record_about_invitation(
        account=account,
        actor=user,
        invitation=locked,
        action="accept",
        metadata={"email": locked.email, "role": locked.role, "invited_by": inviter},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    _record(
        account=account,
        actor=user,
        subcategory="user",
        action="add",
        object_type="user",
        object_id=user.pk,
        object_label=_label(user),
        metadata={
            "after": {"role": membership.role, "audit_log_access": membership.audit_log_access},
            "invitation_id": locked.id,
            "invited_by": inviter,
        },
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return membership


# Members -----------------------------------------------------------------------------------


def _role_change_event(before: str, after: str) -> tuple[str, str]:
    """Which rights a role change gives or takes: to member, every admin right goes (the
    Removed admin rights alert); to super admin, super admin rights come."""
    if after == Role.MEMBER:
        return "admin_rights", "remove"
    if after == Role.SUPER_ADMIN:
        return "super_admin_rights", "add"
    if before == Role.SUPER_ADMIN:
        return "super_admin_rights", "remove"
    return "admin_rights", "add"


@transaction.atomic
def member_role_change(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    role: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Membership:
    """Make a member a member, admin or super admin: a super admin's action. The last active
    super admin keeps the role, and nobody changes their own."""
    if role not in Role.values:
        raise Refused(_("Choose a role: member, admin or super admin."))
    supers = _authorise(account=account, by=by)
    target = _member_locked(account=account, user_id=user_id)
    if target.role == role:
        return target
    _keep_last_super_admin(target=target, supers=supers)
    if target.user_id == by.user_id:
        raise Refused(_("You cannot change your own role. Another super admin can."))
    before = target.role
    target.role = role
    target.save(update_fields=["role"])
    subcategory, action = _role_change_event(before, role)
    _record_about_member(
        account=account,
        by=by,
        target=target,
        subcategory=subcategory,
        action=action,
        metadata={"before": {"role": before}, "after": {"role": role}},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return target


@transaction.atomic
def member_access_change(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    audit_log_access: bool,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Membership:
    """Grant or remove a member's or admin's audit-log access: a super admin's action (super
    admins always have it)."""
    _authorise(account=account, by=by)
    target = _member_locked(account=account, user_id=user_id)
    if target.is_super_admin:
        raise Refused(_("Super admins always have audit-log access."))
    if target.audit_log_access == audit_log_access:
        return target
    target.audit_log_access = audit_log_access
    target.save(update_fields=["audit_log_access"])
    _record_about_member(
        account=account,
        by=by,
        target=target,
        subcategory="audit_log_access",
        action="add" if audit_log_access else "remove",
        metadata={
            "before": {"audit_log_access": not audit_log_access},
            "after": {"audit_log_access": audit_log_access},
        },
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return target


def _member_status_set(
    *, account: Account, by: Membership, user_id: int, active: bool, ip: str | None,
    user_agent: str, url: str,
) -> Membership:  # fmt: skip
    supers = _authorise(account=account, by=by)
    target = _member_locked(account=account, user_id=user_id)
    if target.is_active == active:
        already = (
            _("%(name)s is active already.") if active else _("%(name)s is deactivated already.")
        )
        raise Refused(already % {"name": _label(target.user)})
    if not active:
        _keep_last_super_admin(target=target, supers=supers)
    target.is_active = active
    target.save(update_fields=["is_active"])
    status = {True: "active", False: "deactivated"}
    _record_about_member(
        account=account,
        by=by,
        target=target,
        subcategory="user_status",
        action="enable" if active else "disable",
        metadata={"before": {"status": status[not active]}, "after": {"status": status[active]}},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return target


@transaction.atomic
def member_deactivate(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Membership:
    """Deactivate a member: their access to the account ends at their next request, and they
    keep their role and teams for a reactivation. A super admin's action; the last active super
    admin stays."""
    return _member_status_set(
        account=account, by=by, user_id=user_id, active=False, ip=ip, user_agent=user_agent, url=url
    )


@transaction.atomic
def member_reactivate(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Membership:
    """Give a deactivated member their access back, with the role they had: a super admin's
    action."""
    return _member_status_set(
        account=account, by=by, user_id=user_id, active=True, ip=ip, user_agent=user_agent, url=url
    )


@transaction.atomic
def member_remove(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    """Remove a person from the account and its teams (their sign-in and other accounts stay):
    a super admin's action; the last active super admin stays."""
    supers = _authorise(account=account, by=by)
    target = _member_locked(account=account, user_id=user_id)
    _keep_last_super_admin(target=target, supers=supers)
    links = TeamMember.objects.filter(account=account, user_id=target.user_id)
    teams = list(links.order_by("team__name").values_list("team__name", flat=True))
    before = {
        "role": target.role,
        "audit_log_access": target.audit_log_access,
        "status": "active" if target.is_active else "deactivated",
        "teams": teams,
    }
    person = target.user
    links.delete()
    Membership.objects.filter(account=account, user_id=person.pk).delete()
    _record(
        account=account,
        actor=by.user,
        subcategory="user",
        action="remove",
        object_type="user",
        object_id=person.pk,
        object_label=_label(person),
        metadata={"before": before},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def member_password_reset_send(
    *,
    account: Account,
    by: Membership,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> PasswordResetEmail:
    """Email an active member a link to set a new password: a super admin's action, recorded as a
    password-reset email sent by hand."""
    _authorise(account=account, by=by)
    target = _member_locked(account=account, user_id=user_id)
    if not target.is_active:
        raise Refused(
            _("%(name)s is deactivated: reactivate them before sending a password reset.")
            % {"name": _label(target.user)}
        )
    reset = PasswordResetEmail.objects.create(
        account=account, user=target.user, requested_by=by.user
    )
    _record_about_member(
        account=account,
        by=by,
        target=target,
        subcategory="manual_email",
        action="send",
        metadata={"email_type": "password_reset", "recipient": target.user.email},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    dispatch.enqueue_on_commit(PASSWORD_RESET_EMAIL_TASK, [account.pk, reset.id])
    return reset


# Teams -------------------------------------------------------------------------------------


def _team_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Refused(_("Give the team a name."))
    if len(cleaned) > TEAM_NAME_MAX:
        raise Refused(_("A team name has at most %(n)d characters.") % {"n": TEAM_NAME_MAX})
    return cleaned


def _team_name_taken(*, account: Account, name: str, team_id: int | None = None) -> None:
    taken = Team.objects.filter(account=account, name__iexact=name)
    if team_id is not None:
        taken = taken.exclude(id=team_id)
    if taken.exists():
        raise Refused(_("There is a team named %(name)s already.") % {"name": name})


def _team_locked(*, account: Account, team_id: int) -> Team:
    team = Team.objects.select_for_update().filter(account=account, id=team_id).first()
    if team is None:
        raise NotFound(_("This team does not exist."))
    return team


def _record_about_team(
    *, account: Account, by: Membership, team: Team, action: str, metadata: dict[str, Any],
    ip: str | None, user_agent: str, url: str,
) -> Event:  # fmt: skip
    return _record(
        account=account,
        actor=by.user,
        subcategory="team",
        action=action,
        object_type="team",
        object_id=team.id,
        object_label=team.name,
        metadata=metadata,
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def team_create(
    *,
    account: Account,
    by: Membership,
    name: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Team:
    """Create a team with a name no other team of the account has: a super admin's action."""
    _authorise(account=account, by=by)
    cleaned = _team_name(name)
    _team_name_taken(account=account, name=cleaned)
    try:
        with transaction.atomic():
            team = Team.objects.create(account=account, name=cleaned)
    except IntegrityError:  # created at the same moment by someone else
        raise Refused(_("There is a team named %(name)s already.") % {"name": cleaned}) from None
    _record_about_team(
        account=account,
        by=by,
        team=team,
        action="create",
        metadata={"after": {"name": cleaned}},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return team


@transaction.atomic
def team_rename(
    *,
    account: Account,
    by: Membership,
    team_id: int,
    name: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> Team:
    """Rename a team, to a name no other team of the account has: a super admin's action."""
    _authorise(account=account, by=by)
    team = _team_locked(account=account, team_id=team_id)
    cleaned = _team_name(name)
    if cleaned == team.name:
        return team
    _team_name_taken(account=account, name=cleaned, team_id=team.id)
    before = team.name
    team.name = cleaned
    try:
        with transaction.atomic():
            team.save(update_fields=["name"])
    except IntegrityError:
        raise Refused(_("There is a team named %(name)s already.") % {"name": cleaned}) from None
    _record_about_team(
        account=account,
        by=by,
        team=team,
        action="update",
        metadata={"before": {"name": before}, "after": {"name": cleaned}},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return team


@transaction.atomic
def team_delete(
    *,
    account: Account,
    by: Membership,
    team_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    """Delete a team; its members stay in the account. A super admin's action."""
    _authorise(account=account, by=by)
    team = _team_locked(account=account, team_id=team_id)
    links = TeamMember.objects.filter(account=account, team_id=team.id)
    members = [_label(link.user) for link in links.select_related("user").order_by("user_id")]
    links.delete()
    Team.objects.filter(account=account, id=team.id).delete()
    _record_about_team(
        account=account,
        by=by,
        team=team,
        action="delete",
        metadata={"before": {"name": team.name, "members": members}},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def team_member_add(
    *,
    account: Account,
    by: Membership,
    team_id: int,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> TeamMember:
    """Put a member of the account in a team: a super admin's action."""
    _authorise(account=account, by=by)
    team = _team_locked(account=account, team_id=team_id)
    target = _member_locked(account=account, user_id=user_id)
    if TeamMember.objects.filter(account=account, team_id=team.id, user_id=user_id).exists():
        raise Refused(
            _("%(name)s is in %(team)s already.") % {"name": _label(target.user), "team": team.name}
        )
    link = TeamMember.objects.create(account=account, team_id=team.id, user=target.user)
    _record_about_team(
        account=account,
        by=by,
        team=team,
        action="add",
        metadata={"member": _label(target.user), "member_email": target.user.email},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )
    return link


@transaction.atomic
def team_member_remove(
    *,
    account: Account,
    by: Membership,
    team_id: int,
    user_id: int,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    """Take a person out of a team (they stay in the account): a super admin's action."""
    _authorise(account=account, by=by)
    team = _team_locked(account=account, team_id=team_id)
    link = (
        TeamMember.objects.filter(account=account, team_id=team.id, user_id=user_id)
        .select_related("user")
        .first()
    )
    if link is None:
        raise NotFound(_("This person is not in this team."))
    person = link.user
    TeamMember.objects.filter(account=account, team_id=team.id, user_id=user_id).delete()
    _record_about_team(
        account=account,
        by=by,
        team=team,
        action="remove",
        metadata={"member": _label(person), "member_email": person.email},
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


# Emails ------------------------------------------------------------------------------------


def invitation_url(invitation: Invitation) -> str:
    """The path of an invitation's link (signed, with its current nonce)."""
    token = invitation_token(
        account_id=invitation.account_id, invitation_id=invitation.id, nonce=invitation.nonce
    )
    return reverse("invitation_accept", args=[token])


def _invitation_email(rows: QuerySet[Invitation]) -> Callable[[], EmailMessage]:
    def message() -> EmailMessage:
        # Read after the claim: a resend meanwhile changed the link, and this sends the new one.
        invitation = rows.select_related("account", "invited_by").get()
        account = invitation.account
        person = User.objects.filter(email__iexact=invitation.email).first()
        language = (person.language if person else "") or account.default_language
        inviter = _label(invitation.invited_by) if invitation.invited_by else account.name
        with translation.override(language):
            context = {
                "invitation": invitation,
                "account": account,
                "inviter": inviter,
                "role": invitation.get_role_display(),
                "link": absolute_url(invitation_url(invitation)),
                "expires": local_time(account, invitation.expires_at),
                "has_sign_in": person is not None,
            }
            return EmailMessage(
                to=invitation.email,
                subject=_("%(inviter)s invited you to %(account)s on Auditdesk")
                % {"inviter": inviter, "account": account.name},
                text=render_to_string("administration/email/invitation.txt", context),
                html=render_to_string("administration/email/invitation.html", context),
            )

    return message


def invitation_email_deliver(*, invitation: Invitation) -> bool:
    """Email an open invitation its link, once per sending; one accepted or revoked meanwhile is
    not sent. A failure counts an attempt and raises; after the last it is marked failed."""
    rows = Invitation.objects.filter(
        account_id=invitation.account_id, id=invitation.id, status=InvitationStatus.PENDING
    )
    return email_deliver(rows=rows, message=_invitation_email(rows))


def password_reset_url(user: User) -> str:
    """The path of a link that sets a new password (Django's token: it stops working once the
    password changes or the person signs in, and after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _password_reset_email(reset: PasswordResetEmail) -> Callable[[], EmailMessage]:
    def message() -> EmailMessage:
        user = User.objects.get(pk=reset.user_id)
        account = Account.objects.get(pk=reset.account_id)
        sender = (
            User.objects.filter(pk=reset.requested_by_id).first() if reset.requested_by_id else None
        )
        with translation.override(user.language or account.default_language):
            context = {
                "user": user,
                "account": account,
                "sender": _label(sender) if sender else account.name,
                "link": absolute_url(password_reset_url(user)),
            }
            return EmailMessage(
                to=user.email,
                subject=_("Set a new password for Auditdesk"),
                text=render_to_string("administration/email/password_reset.txt", context),
                html=render_to_string("administration/email/password_reset.html", context),
            )

    return message


def password_reset_email_deliver(*, reset: PasswordResetEmail) -> bool:
    """Email the member their link to set a new password, once. A failure counts an attempt and
    raises; after the last it is marked failed."""
    rows = PasswordResetEmail.objects.filter(account_id=reset.account_id, id=reset.id)
    return email_deliver(rows=rows, message=_password_reset_email(reset))


def emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue invitation and password-reset emails still pending a minute after they were
    asked for (the broker lost them), after handing back those a killed worker left sending."""
    cutoff = (now or timezone.now()) - EMAIL_PENDING_GRACE
    with scopes_disabled():  # the sweep spans accounts by design
        email_release_stuck(rows=Invitation.objects.all(), now=now)
        email_release_stuck(rows=PasswordResetEmail.objects.all(), now=now)
        invitations = list(
            Invitation.objects.filter(
                status=InvitationStatus.PENDING,
                email_status=EmailStatus.PENDING,
                sent_at__lt=cutoff,
            ).values_list("account_id", "id")[:500]
        )
        resets = list(
            PasswordResetEmail.objects.filter(
                email_status=EmailStatus.PENDING, created_at__lt=cutoff
            ).values_list("account_id", "id")[:500]
        )
    for args in invitations:
        dispatch.enqueue(INVITATION_EMAIL_TASK, list(args))
    for args in resets:
        dispatch.enqueue(PASSWORD_RESET_EMAIL_TASK, list(args))
    return len(invitations) + len(resets)
