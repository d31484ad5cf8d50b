"""Users & teams services (SPEC S9): every guard rail, the Security activity event of each action
with its values before and after, and the emails (invitation, password reset) they send."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import resolve
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.errors import NotFound, Refused
from accounts.models import Account, Membership, Role, Team, TeamMember, User
from administration import people
from administration.models import Invitation, InvitationStatus, PasswordResetEmail
from administration.people import NewPerson
from administration.selectors import invitation_from_token, invitation_refusal
from administration.tasks import invitation_email_send, password_reset_email_send
from auditlog.models import Event
from console.models import AlertSetting
from notifications.models import Kind, Notification
from notifications.tasks import notification_email_send
from tests.factories import MembershipFactory, TeamFactory, TeamMemberFactory, member_of
from tests.utils import events_of

pytestmark = pytest.mark.django_db

ORIGIN = {"ip": "81.2.69.142", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "url": "/x/"}


def by(account: Account, user: User) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("user", "account").get(account=account, user=user)


def security_events(account: Account) -> list[Event]:
    return events_of(account, category="security_activity")


def what(event: Event) -> str:
    return f"{event.subcategory}/{event.action}"


@pytest.fixture
def admin(account: Account) -> User:
    with scopes_disabled():
        return member_of(
            account, role=Role.ADMIN, audit_log_access=True, email="alan@northwind.test",
            full_name="Alan Turing",
        )  # fmt: skip


def call(account: Account, service, **kwargs):
    with scope(account=account):
        return service(account=account, **kwargs, **ORIGIN)


def token_of(message) -> str:
    link = re.search(r"https?://\S+/invitations/\S+/", message.body)
    assert link, message.body
    return resolve(urlparse(link.group(0)).path).kwargs["token"]


# Invitations -------------------------------------------------------------------------------


def test_an_invitation_is_an_event_and_an_email_with_a_link_that_names_it(
    account, super_admin, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = call(
            account, people.member_invite, by=by(account, super_admin),
            email=" New.Person@Example.test ", role=Role.ADMIN, audit_log_access=True,
        )  # fmt: skip

    assert (invitation.email, invitation.role, invitation.audit_log_access) == (
        "new.person@example.test", Role.ADMIN, True,
    )  # fmt: skip
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    [event] = security_events(account)
    assert what(event) == "invitation/send"
    assert (event.actor_user_id, event.object_type, event.object_id, event.object_label) == (
        super_admin.pk, "invitation", str(invitation.id), "new.person@example.test",
    )  # fmt: skip
    assert event.metadata["role"] == Role.ADMIN and event.metadata["audit_log_access"] is True
    assert event.ip_address == ORIGIN["ip"]
    assert enqueued == [(people.INVITATION_EMAIL_TASK, [account.pk, invitation.id])]

    invitation_email_send.apply(args=[account.pk, invitation.id])
    invitation_email_send.apply(args=[account.pk, invitation.id])  # delivered twice: one email

    [message] = mail.outbox
    assert message.to == ["new.person@example.test"]
    assert message.subject == f"Ada Lovelace invited you to {account.name} on Auditdesk"
    assert "as Admin" in message.body and "choose your password" in message.body
    found = invitation_from_token(token=token_of(message))
    assert found is not None and found.id == invitation.id


def test_a_forged_or_tampered_link_names_no_invitation(account, super_admin):
    invitation = call(
        account, people.member_invite, by=by(account, super_admin), email="x@example.test",
        role=Role.MEMBER,
    )  # fmt: skip
    with scope(account=account):
        good = people.invitation_url(invitation).split("/")[2]
    assert invitation_from_token(token=good) is not None
    assert invitation_from_token(token=good[:-2] + "xx") is None
    assert invitation_from_token(token="not-a-token") is None


@pytest.mark.parametrize("active", [True, False])
def test_inviting_a_member_is_refused_with_the_reason(account, super_admin, member, active):
    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).update(is_active=active)

    with pytest.raises(Refused) as refused:
        call(
            account, people.member_invite, by=by(account, super_admin),
            email=member.email.upper(), role=Role.MEMBER,
        )  # fmt: skip

    expected = "is already a member" if active else "reactivate them instead"
    assert expected in str(refused.value)
    assert security_events(account) == []


def test_a_second_invitation_to_an_address_is_refused(account, super_admin):
    kwargs = {"by": by(account, super_admin), "email": "twice@example.test", "role": Role.MEMBER}
    call(account, people.member_invite, **kwargs)

    with pytest.raises(Refused, match="open invitation already"):
        call(account, people.member_invite, **{**kwargs, "email": "TWICE@example.test"})


def test_a_person_of_another_account_can_be_invited(account, other_account, super_admin):
    with scopes_disabled():
        outsider = member_of(other_account, email="hank@globex.test")

    invitation = call(
        account, people.member_invite, by=by(account, super_admin), email=outsider.email,
        role=Role.MEMBER,
    )  # fmt: skip

    assert invitation.email == "hank@globex.test"


def test_only_super_admins_invite(account, admin):
    with pytest.raises(Refused, match="Only super admins"):
        call(
            account, people.member_invite, by=by(account, admin), email="x@example.test",
            role=Role.MEMBER,
        )  # fmt: skip
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_resend_draws_a_new_link_for_seven_more_days_and_the_old_one_stops_working(
    account, super_admin
):
    invitation = call(
        account, people.member_invite, by=by(account, super_admin), email="x@example.test",
        role=Role.MEMBER,
    )  # fmt: skip
    with scope(account=account):
        old = people.invitation_url(invitation).split("/")[2]

    with time_machine.travel(timezone.now() + dt.timedelta(days=9)):
        assert invitation_refusal(invitation_from_token(token=old)).startswith(
            "This invitation expired"
        )
        again = call(
            account, people.invitation_resend, by=by(account, super_admin),
            invitation_id=invitation.id,
        )  # fmt: skip
        with scope(account=account):
            new = people.invitation_url(again).split("/")[2]
        assert invitation_from_token(token=old) is None
        fresh = invitation_from_token(token=new)
        assert fresh is not None and invitation_refusal(fresh) is None
        assert again.expires_at > timezone.now() + dt.timedelta(days=6)

    sent = [e for e in security_events(account) if what(e) == "invitation/send"]
    assert [e.metadata.get("resent") for e in sent] == [None, True]


def test_a_withdrawn_invitation_says_so_and_cannot_be_sent_again(account, super_admin):
    invitation = call(
        account, people.member_invite, by=by(account, super_admin), email="x@example.test",
        role=Role.MEMBER,
    )  # fmt: skip
    call(
        account, people.invitation_revoke, by=by(account, super_admin), invitation_id=invitation.id
    )

    with scope(account=account):
        token = people.invitation_url(invitation).split("/")[2]
    assert "withdrawn" in invitation_refusal(invitation_from_token(token=token))
    with pytest.raises(Refused, match="revoked"):
        call(
            account, people.invitation_resend, by=by(account, super_admin),
            invitation_id=invitation.id,
        )  # fmt: skip
    assert [what(e) for e in security_events(account)] == ["invitation/send", "invitation/revoke"]
    # A withdrawn invitation's email is not sent, even when its task runs late.
    invitation_email_send.apply(args=[account.pk, invitation.id])
    assert mail.outbox == []


def test_another_accounts_invitation_is_not_found(account, other_account, super_admin):
    with scopes_disabled():
        outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    theirs = call(
        other_account, people.member_invite, by=by(other_account, outsider),
        email="x@example.test", role=Role.MEMBER,
    )  # fmt: skip

    for service in (people.invitation_resend, people.invitation_revoke):
        with pytest.raises(NotFound):
            call(account, service, by=by(account, super_admin), invitation_id=theirs.id)


def _invited(account: Account, inviter: User, email: str, **kwargs) -> Invitation:
    return call(
        account, people.member_invite, by=by(account, inviter), email=email,
        role=kwargs.pop("role", Role.MEMBER), **kwargs,
    )  # fmt: skip


def accept(invitation: Invitation, person):
    with scope(account=invitation.account):
        return people.invitation_accept(invitation=invitation, person=person, **ORIGIN)


def test_a_new_person_accepts_with_a_name_and_password(account, super_admin):
    invitation = _invited(account, super_admin, "new@example.test", audit_log_access=True)

    membership = accept(invitation, NewPerson(full_name="Nova Person", password="s3cret-Words!"))

    user = membership.user
    assert (user.email, user.full_name) == ("new@example.test", "Nova Person")
    assert user.check_password("s3cret-Words!")
    assert (membership.role, membership.audit_log_access, membership.is_active) == (
        Role.MEMBER, True, True,
    )  # fmt: skip
    with scopes_disabled():
        invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by_id) == (InvitationStatus.ACCEPTED, user.pk)
    accepted, added = security_events(account)[1:]
    assert (what(accepted), accepted.actor_user_id, accepted.object_id) == (
        "invitation/accept", user.pk, str(invitation.id),
    )  # fmt: skip
    assert accepted.metadata["invited_by"] == super_admin.email
    assert (what(added), added.object_type, added.object_id) == ("user/add", "user", str(user.pk))
    assert added.metadata["after"] == {"role": Role.MEMBER, "audit_log_access": True}
    assert added.metadata["invitation_id"] == invitation.id


def test_a_used_link_is_refused_the_second_time(account, super_admin):
    invitation = _invited(account, super_admin, "new@example.test")
    accept(invitation, NewPerson(full_name="Nova", password="s3cret-Words!"))

    with pytest.raises(Refused, match="accepted already"):
        accept(invitation, NewPerson(full_name="Someone else", password="other-s3cret!"))
    with scopes_disabled():
        assert User.objects.filter(email="new@example.test").count() == 1


def test_an_expired_link_is_refused(account, super_admin):
    invitation = _invited(account, super_admin, "new@example.test")

    with (
        time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)),
        pytest.raises(Refused, match="expired on"),
    ):
        accept(invitation, NewPerson(full_name="Nova", password="s3cret-Words!"))
    assert not User.objects.filter(email="new@example.test").exists()


def test_a_link_replaced_by_a_resend_is_refused(account, super_admin):
    invitation = _invited(account, super_admin, "new@example.test")
    call(
        account, people.invitation_resend, by=by(account, super_admin), invitation_id=invitation.id
    )

    with pytest.raises(NotFound):
        accept(invitation, NewPerson(full_name="Nova", password="s3cret-Words!"))


def test_a_person_with_a_sign_in_joins_as_themselves_only(account, other_account, super_admin):
    with scopes_disabled():
        hank = member_of(other_account, email="hank@globex.test")
        marge = member_of(other_account, email="marge@globex.test")
    invitation = _invited(account, super_admin, hank.email, role=Role.ADMIN)

    with pytest.raises(Refused, match=r"This invitation is for hank@globex\.test"):
        accept(invitation, marge)
    with pytest.raises(Refused, match="sign in to accept"):
        accept(invitation, NewPerson(full_name="Not Hank", password="s3cret-Words!"))

    membership = accept(invitation, hank)
    assert (membership.user_id, membership.role) == (hank.pk, Role.ADMIN)


# Roles and access --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "role", "expected"),
    [
        (Role.MEMBER, Role.ADMIN, "admin_rights/add"),
        (Role.ADMIN, Role.MEMBER, "admin_rights/remove"),
        (Role.SUPER_ADMIN, Role.MEMBER, "admin_rights/remove"),
        (Role.ADMIN, Role.SUPER_ADMIN, "super_admin_rights/add"),
        (Role.MEMBER, Role.SUPER_ADMIN, "super_admin_rights/add"),
        (Role.SUPER_ADMIN, Role.ADMIN, "super_admin_rights/remove"),
    ],
)
def test_a_role_change_records_the_rights_it_gives_or_takes(
    account, super_admin, start, role, expected
):
    with scopes_disabled():
        person = member_of(account, role=start, full_name="Grace Hopper")

    changed = call(
        account, people.member_role_change, by=by(account, super_admin), user_id=person.pk,
        role=role,
    )  # fmt: skip

    assert by(account, person).role == changed.role == role
    [event] = security_events(account)
    assert what(event) == expected
    assert (event.object_type, event.object_id, event.object_label) == (
        "user", str(person.pk), "Grace Hopper",
    )  # fmt: skip
    assert event.metadata == {"before": {"role": start}, "after": {"role": role}}


def test_the_same_role_again_records_nothing(account, super_admin, member):
    call(
        account, people.member_role_change, by=by(account, super_admin), user_id=member.pk,
        role=Role.MEMBER,
    )  # fmt: skip
    assert security_events(account) == []


def test_removing_admin_rights_fires_the_alert_at_once(
    account, super_admin, enqueued, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        grace = member_of(account, role=Role.ADMIN, full_name="Grace Hopper")
        quiet = member_of(account, role=Role.SUPER_ADMIN, full_name="Quiet Admin")
        AlertSetting.objects.create(account=account, user=super_admin, removed_admin_rights=True)
        AlertSetting.objects.create(account=account, user=quiet, removed_admin_rights=False)

    with django_capture_on_commit_callbacks(execute=True):
        call(
            account, people.member_role_change, by=by(account, quiet), user_id=grace.pk,
            role=Role.MEMBER,
        )  # fmt: skip

    with scope(account=account):
        [note] = Notification.objects.filter(account=account)
    assert (note.recipient_id, note.kind) == (super_admin.pk, Kind.ALERT)
    assert note.title == "Admin rights removed: Grace Hopper"
    assert "Quiet Admin removed admin rights" in note.body
    emails = [args for name, args in enqueued if name == notification_email_send.name]
    assert emails == [[account.pk, note.id]]
    notification_email_send.apply(args=[account.pk, note.id])
    assert [m.to for m in mail.outbox] == [[super_admin.email]]


def test_nobody_changes_their_own_role(account, super_admin):
    with scopes_disabled():
        member_of(account, role=Role.SUPER_ADMIN)  # so Ada is not the last one

    with pytest.raises(Refused, match="cannot change your own role"):
        call(
            account, people.member_role_change, by=by(account, super_admin),
            user_id=super_admin.pk, role=Role.ADMIN,
        )  # fmt: skip
    assert by(account, super_admin).role == Role.SUPER_ADMIN


def test_the_last_active_super_admin_keeps_the_role(account, super_admin):
    with scopes_disabled():
        deactivated = member_of(account, role=Role.SUPER_ADMIN)
        Membership.objects.filter(account=account, user=deactivated).update(is_active=False)

    with pytest.raises(Refused) as refused:
        call(
            account, people.member_role_change, by=by(account, super_admin),
            user_id=super_admin.pk, role=Role.MEMBER,
        )  # fmt: skip

    assert "Ada Lovelace is the last active super admin" in str(refused.value)
    assert by(account, super_admin).role == Role.SUPER_ADMIN
    assert security_events(account) == []


def test_an_actor_demoted_meanwhile_is_refused(account, super_admin, member):
    """A super admin's page was open when another super admin demoted them: their next change
    is refused (the service reads the actor's role again, under lock)."""
    stale = by(account, super_admin)
    with scopes_disabled():
        member_of(account, role=Role.SUPER_ADMIN)
        Membership.objects.filter(account=account, user=super_admin).update(role=Role.ADMIN)

    with pytest.raises(Refused, match="Only super admins"):
        call(account, people.member_role_change, by=stale, user_id=member.pk, role=Role.ADMIN)


@pytest.mark.parametrize(
    "service",
    [
        people.member_role_change,
        people.member_access_change,
        people.member_deactivate,
        people.member_reactivate,
        people.member_remove,
        people.member_password_reset_send,
    ],
)
def test_admins_and_members_change_nobody(account, admin, member, member_without_access, service):
    extra = {
        people.member_role_change: {"role": Role.ADMIN},
        people.member_access_change: {"audit_log_access": True},
    }.get(service, {})
    for actor in (admin, member):
        with pytest.raises(Refused, match="Only super admins"):
            call(account, service, by=by(account, actor), user_id=member_without_access.pk, **extra)
    assert security_events(account) == []


@pytest.mark.parametrize(
    "service",
    [
        people.member_role_change,
        people.member_access_change,
        people.member_deactivate,
        people.member_reactivate,
        people.member_remove,
        people.member_password_reset_send,
    ],
)
def test_a_person_of_another_account_is_not_found(account, other_account, super_admin, service):
    with scopes_disabled():
        outsider = member_of(other_account, role=Role.ADMIN)
    extra = {
        people.member_role_change: {"role": Role.MEMBER},
        people.member_access_change: {"audit_log_access": False},
    }.get(service, {})

    with pytest.raises(NotFound):
        call(account, service, by=by(account, super_admin), user_id=outsider.pk, **extra)

    assert by(other_account, outsider).role == Role.ADMIN and by(other_account, outsider).is_active
    assert security_events(account) == security_events(other_account) == []


def test_audit_log_access_is_granted_and_removed(account, super_admin, member_without_access):
    for granted in (True, False):
        call(
            account, people.member_access_change, by=by(account, super_admin),
            user_id=member_without_access.pk, audit_log_access=granted,
        )  # fmt: skip
        assert by(account, member_without_access).audit_log_access is granted
    call(
        account,
        people.member_access_change,
        by=by(account, super_admin),
        user_id=member_without_access.pk,
        audit_log_access=False,
    )  # fmt: skip  (no change: no event)

    events = security_events(account)
    assert [what(e) for e in events] == ["audit_log_access/add", "audit_log_access/remove"]
    assert events[0].metadata == {
        "before": {"audit_log_access": False},
        "after": {"audit_log_access": True},
    }


def test_super_admins_always_have_audit_log_access(account, super_admin):
    with scopes_disabled():
        other = member_of(account, role=Role.SUPER_ADMIN)
    with pytest.raises(Refused, match="always have audit-log access"):
        call(
            account, people.member_access_change, by=by(account, super_admin), user_id=other.pk,
            audit_log_access=False,
        )  # fmt: skip


def test_a_change_is_all_or_nothing(account, super_admin, admin, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the log is down")

    monkeypatch.setattr(people, "event_record", broken)

    with pytest.raises(RuntimeError):
        call(
            account, people.member_role_change, by=by(account, super_admin), user_id=admin.pk,
            role=Role.MEMBER,
        )  # fmt: skip
    assert by(account, admin).role == Role.ADMIN


# Deactivation and removal ------------------------------------------------------------------


def test_deactivate_and_reactivate(account, super_admin, member):
    call(account, people.member_deactivate, by=by(account, super_admin), user_id=member.pk)
    assert by(account, member).is_active is False
    with pytest.raises(Refused, match="deactivated already"):
        call(account, people.member_deactivate, by=by(account, super_admin), user_id=member.pk)

    call(account, people.member_reactivate, by=by(account, super_admin), user_id=member.pk)
    assert by(account, member).is_active is True
    with pytest.raises(Refused, match="active already"):
        call(account, people.member_reactivate, by=by(account, super_admin), user_id=member.pk)

    disable, enable = security_events(account)
    assert (what(disable), disable.object_id) == ("user_status/disable", str(member.pk))
    assert disable.metadata == {"before": {"status": "active"}, "after": {"status": "deactivated"}}
    assert what(enable) == "user_status/enable"
    assert enable.metadata == {"before": {"status": "deactivated"}, "after": {"status": "active"}}


def test_the_last_active_super_admin_cannot_be_deactivated_or_removed(account, super_admin):
    for service in (people.member_deactivate, people.member_remove):
        with pytest.raises(Refused, match="last active super admin"):
            call(account, service, by=by(account, super_admin), user_id=super_admin.pk)
    assert by(account, super_admin).is_active
    assert security_events(account) == []


def test_a_super_admin_with_a_peer_may_leave(account, super_admin):
    with scopes_disabled():
        peer = member_of(account, role=Role.SUPER_ADMIN)

    call(account, people.member_remove, by=by(account, super_admin), user_id=super_admin.pk)

    with scopes_disabled():
        assert not Membership.objects.filter(account=account, user=super_admin).exists()
    with pytest.raises(Refused, match="last active super admin"):
        call(account, people.member_deactivate, by=by(account, peer), user_id=peer.pk)


def test_removal_takes_the_person_out_of_the_account_and_its_teams(
    account, other_account, super_admin, member
):
    with scopes_disabled():
        ops = TeamFactory(account=account, name="Ops")
        TeamMemberFactory(team=ops, user=member)
        MembershipFactory(account=other_account, user=member)
        theirs = TeamFactory(account=other_account)
        TeamMemberFactory(team=theirs, user=member)

    call(account, people.member_remove, by=by(account, super_admin), user_id=member.pk)

    with scopes_disabled():
        assert not Membership.objects.filter(account=account, user=member).exists()
        assert not TeamMember.objects.filter(account=account, user=member).exists()
        # Their sign-in, their other account and its teams stay.
        assert Membership.objects.filter(account=other_account, user=member).exists()
        assert TeamMember.objects.filter(account=other_account, user=member).exists()
    [event] = security_events(account)
    assert (what(event), event.object_id, event.object_label) == (
        "user/remove", str(member.pk), "Grace Hopper",
    )  # fmt: skip
    assert event.metadata["before"] == {
        "role": Role.MEMBER, "audit_log_access": True, "status": "active", "teams": ["Ops"],
    }  # fmt: skip


# Password reset ----------------------------------------------------------------------------


def test_a_password_reset_email_is_an_event_and_a_working_link(
    account, super_admin, member, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reset = call(
            account, people.member_password_reset_send, by=by(account, super_admin),
            user_id=member.pk,
        )  # fmt: skip

    [event] = security_events(account)
    assert (what(event), event.object_id) == ("manual_email/send", str(member.pk))
    assert event.metadata == {"email_type": "password_reset", "recipient": member.email}
    assert enqueued == [(people.PASSWORD_RESET_EMAIL_TASK, [account.pk, reset.id])]

    password_reset_email_send.apply(args=[account.pk, reset.id])
    password_reset_email_send.apply(args=[account.pk, reset.id])

    [message] = mail.outbox
    assert message.to == [member.email]
    assert "Ada Lovelace, a super admin of Northwind Test" in message.body
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)
    match = resolve(urlparse(link).path)
    assert match.url_name == "password_reset_confirm"
    assert default_token_generator.check_token(member, match.kwargs["token"])
    with scopes_disabled():
        assert PasswordResetEmail.objects.get(id=reset.id).email_status == "sent"


def test_no_password_reset_for_a_deactivated_member(account, super_admin, member):
    call(account, people.member_deactivate, by=by(account, super_admin), user_id=member.pk)
    with pytest.raises(Refused, match="reactivate them before"):
        call(
            account, people.member_password_reset_send, by=by(account, super_admin),
            user_id=member.pk,
        )  # fmt: skip


def test_the_sweep_sends_emails_the_broker_lost(account, super_admin, member, enqueued):
    """The first enqueue (after commit) never reached the broker: the sweep sends them."""
    invitation = _invited(account, super_admin, "lost@example.test")
    reset = call(
        account, people.member_password_reset_send, by=by(account, super_admin), user_id=member.pk
    )
    assert people.emails_sweep() == 0  # asked for just now: the first enqueue may still come

    later = timezone.now() + dt.timedelta(minutes=2)
    assert people.emails_sweep(now=later) == 2
    assert enqueued[-2:] == [
        (people.INVITATION_EMAIL_TASK, [account.pk, invitation.id]),
        (people.PASSWORD_RESET_EMAIL_TASK, [account.pk, reset.id]),
    ]


# Teams -------------------------------------------------------------------------------------


def test_team_create_rename_add_remove_delete(account, super_admin, member):
    actor = by(account, super_admin)
    team = call(account, people.team_create, by=actor, name="  Customer   Success ")
    assert team.name == "Customer Success"
    call(account, people.team_rename, by=actor, team_id=team.id, name="Success")
    call(account, people.team_member_add, by=actor, team_id=team.id, user_id=member.pk)
    with scopes_disabled():
        assert TeamMember.objects.filter(account=account, team_id=team.id, user=member).exists()
    call(account, people.team_member_remove, by=actor, team_id=team.id, user_id=member.pk)
    call(account, people.team_member_add, by=actor, team_id=team.id, user_id=member.pk)
    call(account, people.team_delete, by=actor, team_id=team.id)

    with scopes_disabled():
        assert not Team.objects.filter(account=account).exists()
        assert not TeamMember.objects.filter(account=account).exists()
        assert Membership.objects.filter(account=account, user=member).exists()
    events = security_events(account)
    assert [what(e) for e in events] == [
        "team/create", "team/update", "team/add", "team/remove", "team/add", "team/delete",
    ]  # fmt: skip
    assert {e.object_type for e in events} == {"team"}
    assert {e.object_id for e in events} == {str(team.id)}
    assert events[0].metadata == {"after": {"name": "Customer Success"}}
    assert events[1].metadata == {
        "before": {"name": "Customer Success"},
        "after": {"name": "Success"},
    }
    assert events[2].metadata == {"member": "Grace Hopper", "member_email": member.email}
    assert events[5].metadata == {"before": {"name": "Success", "members": ["Grace Hopper"]}}


def test_team_names_are_unique_whatever_the_case(account, super_admin):
    actor = by(account, super_admin)
    call(account, people.team_create, by=actor, name="Sales")
    other = call(account, people.team_create, by=actor, name="Support")

    with pytest.raises(Refused, match="team named sales already"):
        call(account, people.team_create, by=actor, name="sales")
    with pytest.raises(Refused, match="team named SALES already"):
        call(account, people.team_rename, by=actor, team_id=other.id, name="SALES")
    with pytest.raises(Refused, match="Give the team a name"):
        call(account, people.team_create, by=actor, name="   ")


def test_team_guard_rails(account, other_account, super_admin, admin, member):
    actor = by(account, super_admin)
    team = call(account, people.team_create, by=actor, name="Ops")
    with scopes_disabled():
        outsider = member_of(other_account)
        their_team = TeamFactory(account=other_account)

    with pytest.raises(Refused, match="Only super admins"):
        call(account, people.team_create, by=by(account, admin), name="Admins' team")
    with pytest.raises(NotFound):
        call(account, people.team_member_add, by=actor, team_id=team.id, user_id=outsider.pk)
    with pytest.raises(NotFound):
        call(account, people.team_member_add, by=actor, team_id=their_team.id, user_id=member.pk)
    with pytest.raises(NotFound):
        call(account, people.team_rename, by=actor, team_id=their_team.id, name="Mine now")
    with pytest.raises(NotFound):
        call(account, people.team_delete, by=actor, team_id=their_team.id)
    with pytest.raises(NotFound, match="not in this team"):
        call(account, people.team_member_remove, by=actor, team_id=team.id, user_id=member.pk)
    call(account, people.team_member_add, by=actor, team_id=team.id, user_id=member.pk)
    with pytest.raises(Refused, match="in Ops already"):
        call(account, people.team_member_add, by=actor, team_id=team.id, user_id=member.pk)

    with scopes_disabled():
        assert Team.objects.get(account=other_account, id=their_team.id).name == their_team.name
    assert [what(e) for e in security_events(account)] == ["team/create", "team/add"]
