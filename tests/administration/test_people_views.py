"""Settings → Users & teams pages, the invitation link, and a deactivated member's next request.

Who may open each route is the role matrix's (tests/test_role_matrix.py); another account's ids
are the sweep's (tests/test_url_sweep.py). Here: what the pages show and do, and bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled

from accounts.models import Account, Membership, Role, Team, User
from administration import people
from administration.models import Invitation, InvitationStatus
from administration.selectors import members_page
from tests.factories import (
    AccountFactory,
    MembershipFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
    member_of,
)
from tests.utils import events_of

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"


def url(name: str, account: Account, **kwargs) -> str:
    return reverse(f"administration:{name}", kwargs={"account_id": account.pk, **kwargs})


def membership(account: Account, user: User) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(account=account, user=user)


def said(response) -> list[str]:
    """The messages this request added (the ones before it wait to be shown)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def listed(response) -> set[str]:
    """The emails of the members the list shows."""
    return set(re.findall(r'<tr data-member="([^"]+)">', response.content.decode()))


@pytest.fixture
def admin(account: Account) -> User:
    with scopes_disabled():
        return member_of(account, role=Role.ADMIN, email="alan@northwind.test", full_name="Alan")


# The list --------------------------------------------------------------------------------


def test_the_list_shows_role_access_teams_two_factor_sign_in_and_status(
    client_for, account, super_admin, member, member_without_access
):
    with scopes_disabled():
        TeamMemberFactory(team=TeamFactory(account=account, name="Ops"), user=member)
        Membership.objects.filter(account=account, user=member_without_access).update(
            is_active=False
        )
    TOTPDevice.objects.create(user=super_admin, name="Phone", confirmed=True)
    TOTPDevice.objects.create(user=member, name="Unfinished", confirmed=False)

    response = client_for(super_admin).get(url("members", account))

    assert response.status_code == 200
    html = response.content.decode()
    rows = {
        email: row for email, row in re.findall(r'<tr data-member="([^"]+)">(.*?)</tr>', html, re.S)
    }
    assert set(rows) == {super_admin.email, member.email, member_without_access.email}
    assert "Super admin" in rows[super_admin.email] and ">On<" in rows[super_admin.email]
    assert "Ops" in rows[member.email] and ">Off<" in rows[member.email]
    assert "Deactivated" in rows[member_without_access.email]
    assert "Never" in rows[member.email]  # never signed in
    assert "Invite people" in html


def test_admins_see_the_list_read_only(client_for, account, super_admin, admin, member):
    client = client_for(admin)
    with scope(account=account):
        people.member_invite(
            account=account, by=membership(account, super_admin), email="new@example.test",
            role=Role.MEMBER,
        )  # fmt: skip

    page = client.get(url("members", account)).content.decode()
    detail = client.get(url("member", account, user_id=member.pk)).content.decode()

    assert "new@example.test" in page
    assert "Invite people" not in page and "Send again" not in page
    assert "Change role" not in detail and "Deactivate" not in detail
    assert client.get(url("member_invite", account)).status_code == 403


def test_search_by_name_or_email_and_status(client_for, account, super_admin, member):
    client = client_for(super_admin)

    by_name = client.get(url("members", account), {"q": "grace"})
    by_email = client.get(url("members", account), {"q": "ADA@north"})
    active = client.get(url("members", account), {"status": "active"})
    nobody = client.get(url("members", account), {"q": "zz", "status": "deactivated"})

    assert listed(by_name) == {member.email}
    assert listed(by_email) == {super_admin.email}
    assert listed(active) == {member.email, super_admin.email}
    assert "Nobody found" in nobody.content.decode()


def test_the_list_answers_htmx_with_its_results_only(client_for, account, super_admin):
    response = client_for(super_admin).get(
        url("members", account), {"q": "ada"}, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="member-results",
    )  # fmt: skip
    html = response.content.decode()
    assert listed(response) == {super_admin.email} and "<h1>" not in html


def test_pages_are_keyset_paged_by_name_without_offset(account):
    with scopes_disabled():
        for n, name in enumerate(("Bea", "Ann", "Ann", "Cem", "", "Dan")):
            member_of(account, full_name=name, email=f"{name.lower() or 'zed'}-{n}@x.test")
        seen: list[str] = []
        page = members_page(account=account, size=2)
        with CaptureQueriesContext(connection) as queries:
            while True:
                seen += [row.user.full_name or row.user.email for row in page.rows]
                if page.next_cursor is None:
                    break
                cursor = type(page.next_cursor).decode(page.next_cursor.encode())
                page = members_page(account=account, size=2, after=cursor)

    assert [name for name in seen if not name.startswith("zed")] == [
        "Ann", "Ann", "Bea", "Cem", "Dan",
    ]  # fmt: skip
    assert seen[-1].startswith("zed")  # no name: sorted by the email
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_a_malformed_cursor_shows_the_first_page(client_for, account, super_admin):
    response = client_for(super_admin).get(url("members", account), {"after": "%%%not-base64"})
    assert response.status_code == 200 and super_admin.email in response.content.decode()


# Inviting ---------------------------------------------------------------------------------


def test_invite_from_the_page(client_for, account, super_admin, enqueued):
    response = client_for(super_admin).post(
        url("member_invite", account),
        {"email": "new@example.test", "role": Role.ADMIN, "audit_log_access": "on"},
        REMOTE_ADDR=IP,
    )

    assert response.status_code == 302
    assert said(response) == ["Invitation sent to new@example.test."]
    with scopes_disabled():
        invitation = Invitation.objects.get(account=account)
    assert (invitation.role, invitation.audit_log_access) == (Role.ADMIN, True)
    [event] = events_of(account, category="security_activity")
    assert (event.subcategory, event.action, event.ip_address) == ("invitation", "send", IP)


def test_inviting_a_member_shows_the_reason_on_the_form(client_for, account, super_admin, member):
    response = client_for(super_admin).post(
        url("member_invite", account), {"email": member.email, "role": Role.MEMBER}
    )

    assert response.status_code == 400
    assert f"{member.email} is already a member of this account." in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_resend_and_withdraw_from_the_list(client_for, account, super_admin):
    client = client_for(super_admin)
    client.post(url("member_invite", account), {"email": "new@example.test", "role": "member"})
    with scopes_disabled():
        invitation = Invitation.objects.get(account=account)

    resent = client.post(url("invitation_resend", account, invitation_id=invitation.id))
    withdrawn = client.post(url("invitation_revoke", account, invitation_id=invitation.id))
    again = client.post(url("invitation_revoke", account, invitation_id=invitation.id))

    assert said(resent) == ["Invitation sent to new@example.test again."]
    assert said(withdrawn) == ["The invitation of new@example.test was withdrawn."]
    assert said(again) == ["This invitation was revoked."]
    with scopes_disabled():
        assert Invitation.objects.get(account=account).status == InvitationStatus.REVOKED


# Changing people --------------------------------------------------------------------------


def test_a_super_admin_removes_admin_rights_from_the_page(client_for, account, super_admin, admin):
    response = client_for(super_admin).post(
        url("member_role", account, user_id=admin.pk), {"role": Role.MEMBER}, REMOTE_ADDR=IP
    )

    assert response.status_code == 302
    assert response["Location"] == url("member", account, user_id=admin.pk)
    assert said(response) == ["Alan is now member."]
    assert membership(account, admin).role == Role.MEMBER
    [event] = events_of(account, category="security_activity")
    assert (event.subcategory, event.action) == ("admin_rights", "remove")


def test_a_forged_post_about_another_accounts_member_is_404(
    client_for, account, other_account, super_admin
):
    with scopes_disabled():
        outsider = member_of(other_account, role=Role.ADMIN)
    client = client_for(super_admin)

    for name, data in (
        ("member_role", {"role": Role.MEMBER}),
        ("member_access", {}),
        ("member_deactivate", {}),
        ("member_remove", {}),
        ("member_password_reset", {}),
    ):
        assert client.post(url(name, account, user_id=outsider.pk), data).status_code == 404

    assert membership(other_account, outsider).role == Role.ADMIN
    assert membership(other_account, outsider).is_active
    assert events_of(other_account) == []
    assert events_of(account, category="security_activity") == []


def test_the_last_super_admin_is_refused_with_the_reason(client_for, account, super_admin):
    client = client_for(super_admin)

    demote = client.post(url("member_role", account, user_id=super_admin.pk), {"role": "admin"})
    deactivate = client.post(url("member_deactivate", account, user_id=super_admin.pk))
    remove = client.post(url("member_remove", account, user_id=super_admin.pk))

    reason = (
        "Ada Lovelace is the last active super admin of this account. "
        "Make someone else a super admin first."
    )
    for response in (demote, deactivate, remove):
        assert response.status_code == 302
        assert said(response) == [reason]
    assert membership(account, super_admin).role == Role.SUPER_ADMIN
    assert membership(account, super_admin).is_active
    assert events_of(account, category="security_activity") == []


def test_an_admins_forged_post_is_refused(client_for, account, super_admin, admin, member):
    response = client_for(admin).post(
        url("member_role", account, user_id=super_admin.pk), {"role": Role.MEMBER}
    )

    assert response.status_code == 403
    assert "Only super admins can manage users and teams." in response.content.decode()
    assert membership(account, super_admin).role == Role.SUPER_ADMIN


def test_a_bad_role_is_refused(client_for, account, super_admin, member):
    response = client_for(super_admin).post(
        url("member_role", account, user_id=member.pk), {"role": "owner"}
    )
    assert said(response) == ["Choose a role: member, admin or super admin."]
    assert membership(account, member).role == Role.MEMBER


def test_grant_and_remove_audit_log_access(client_for, account, super_admin, member_without_access):
    client = client_for(super_admin)
    target = url("member_access", account, user_id=member_without_access.pk)

    client.post(target, {"audit_log_access": "on"})
    assert membership(account, member_without_access).audit_log_access
    client.post(target, {})
    assert not membership(account, member_without_access).audit_log_access


def test_remove_asks_first(client_for, account, super_admin, member):
    client = client_for(super_admin)

    page = client.get(url("member_remove", account, user_id=member.pk))
    removed = client.post(url("member_remove", account, user_id=member.pk))

    assert "Remove Grace Hopper from Northwind Test?" in page.content.decode()
    assert removed["Location"] == url("members", account)
    with scopes_disabled():
        assert not Membership.objects.filter(account=account, user=member).exists()


# A deactivated member's next request -------------------------------------------------------


def test_a_deactivated_member_of_one_account_is_signed_out_at_their_next_request(
    client_for, account, super_admin, member
):
    grace = client_for(member)
    assert grace.get(reverse("console:events", args=[account.pk])).status_code == 200
    client_for(super_admin).post(url("member_deactivate", account, user_id=member.pk))

    response = grace.get(reverse("console:events", args=[account.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your access to Northwind Test was deactivated" in html
    assert "You were signed out" in html
    assert grace.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_deactivated_member_with_another_account_keeps_it(
    client_for, account, other_account, super_admin, member
):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member)
    grace = client_for(member)
    client_for(super_admin).post(url("member_deactivate", account, user_id=member.pk))

    response = grace.get(reverse("crm:records", args=[account.pk]))

    assert response.status_code == 403
    assert "Your other accounts" in response.content.decode()
    assert grace.get(reverse("crm:records", args=[other_account.pk])).status_code == 200


def test_a_stranger_still_gets_a_404(client_for, account):
    stranger = UserFactory()
    assert client_for(stranger).get(reverse("crm:records", args=[account.pk])).status_code == 404


# Teams -------------------------------------------------------------------------------------


def test_teams_from_the_pages(client_for, account, super_admin, member):
    client = client_for(super_admin)

    created = client.post(url("teams", account), {"name": "Ops"})
    with scopes_disabled():
        team = Team.objects.get(account=account, name="Ops")
    assert created["Location"] == url("team", account, team_id=team.id)
    added = client.post(url("team_member_add", account, team_id=team.id), {"email": member.email})
    nobody = client.post(
        url("team_member_add", account, team_id=team.id), {"email": "nobody@example.test"}
    )
    page = client.get(url("team", account, team_id=team.id)).content.decode()
    client.post(url("team_rename", account, team_id=team.id), {"name": "Operations"})
    client.post(url("team_member_remove", account, team_id=team.id, user_id=member.pk))
    duplicate = client.post(url("teams", account), {"name": "operations"})
    deleted = client.post(url("team_delete", account, team_id=team.id))

    assert said(added) == ["Grace Hopper joined Ops."]
    assert said(nobody) == [
        "nobody@example.test is not a member of this account: invite them first."
    ]
    assert "Grace Hopper" in page
    assert duplicate.status_code == 400
    assert "There is a team named operations already." in duplicate.content.decode()
    assert deleted["Location"] == url("teams", account)
    recorded = events_of(account, category="security_activity")
    assert [(e.subcategory, e.action) for e in recorded] == [
        ("team", "create"), ("team", "add"), ("team", "update"), ("team", "remove"),
        ("team", "delete"),
    ]  # fmt: skip


# Accepting an invitation --------------------------------------------------------------------


def _invitation(account: Account, inviter: User, email: str, **kwargs) -> Invitation:
    with scope(account=account):
        return people.member_invite(
            account=account, by=membership(account, inviter), email=email,
            role=kwargs.pop("role", Role.MEMBER), **kwargs,
        )  # fmt: skip


def link(invitation: Invitation) -> str:
    with scope(account=invitation.account):
        return people.invitation_url(invitation)


def test_a_new_person_sets_a_name_and_password_and_is_signed_in(client_for, account, super_admin):
    invitation = _invitation(account, super_admin, "nova@example.test", audit_log_access=True)
    client = client_for(None)

    form = client.get(link(invitation))
    mismatch = client.post(
        link(invitation), {"full_name": "Nova", "password1": "s3cret-Words!", "password2": "x"}
    )
    joined = client.post(
        link(invitation),
        {"full_name": " Nova  Person ", "password1": "s3cret-Words!", "password2": "s3cret-Words!"},
        REMOTE_ADDR=IP,
    )

    assert form.status_code == 200 and "Join Northwind Test" in form.content.decode()
    assert "Ada Lovelace invited you as Member." in form.content.decode()
    assert mismatch.status_code == 400 and "The two passwords differ." in mismatch.content.decode()
    assert joined["Location"] == reverse("home")
    user = User.objects.get(email="nova@example.test")
    assert user.full_name == "Nova Person"
    assert membership(account, user).audit_log_access
    # Signed in: the account's log opens.
    assert client.get(reverse("console:events", args=[account.pk])).status_code == 200
    kinds = [(e.subcategory, e.action) for e in events_of(account, actor_user_id=user.pk)]
    assert kinds[:3] == [("invitation", "accept"), ("user", "add"), ("login_succeeded", "login")]


def test_a_weak_password_is_refused(client_for, account, super_admin):
    invitation = _invitation(account, super_admin, "nova@example.test")
    response = client_for(None).post(
        link(invitation), {"full_name": "Nova", "password1": "abc", "password2": "abc"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="nova@example.test").exists()


def test_a_used_expired_or_forged_link_says_so(client_for, account, super_admin):
    used = _invitation(account, super_admin, "used@example.test")
    expired = _invitation(account, super_admin, "late@example.test")
    client = client_for(None)
    data = {"full_name": "Nova", "password1": "s3cret-Words!", "password2": "s3cret-Words!"}
    client.post(link(used), data)
    client = client_for(None)

    again = client.get(link(used))
    reused = client.post(link(used), data)
    with time_machine.travel(expired.expires_at + dt.timedelta(minutes=1)):
        late = client.get(link(expired))
        late_post = client.post(link(expired), {**data})
    forged = client.get(link(expired)[:-3] + "xx/")

    assert again.status_code == reused.status_code == 410
    assert "This invitation was accepted already." in again.content.decode()
    assert late.status_code == late_post.status_code == 410
    assert "This invitation expired on" in late.content.decode()
    assert forged.status_code == 404
    assert not User.objects.filter(email="late@example.test").exists()


def test_a_person_who_can_sign_in_joins_with_one_click(
    client_for, account, other_account, super_admin
):
    with scopes_disabled():
        hank = member_of(other_account, email="hank@globex.test", full_name="Hank")
    invitation = _invitation(account, super_admin, hank.email, role=Role.ADMIN)

    anonymous = client_for(None).get(link(invitation))
    client = client_for(hank)
    page = client.get(link(invitation))
    joined = client.post(link(invitation))

    assert "Sign in to accept the invitation." in anonymous.content.decode()
    assert reverse("login") + "?next=" in anonymous.content.decode()
    assert "You are signed in as hank@globex.test." in page.content.decode()
    assert joined["Location"] == reverse("home")
    assert membership(account, hank).role == Role.ADMIN


def test_someone_signed_in_as_another_person_is_told_to_sign_out(
    client_for, account, super_admin, member
):
    invitation = _invitation(account, super_admin, "nova@example.test")
    client = client_for(member)

    page = client.get(link(invitation))
    refused = client.post(link(invitation))

    assert "you are signed in as grace@northwind.test" in page.content.decode()
    assert said(refused) == [
        "This invitation is for nova@example.test. Sign out, then open the link again."
    ]
    with scopes_disabled():
        assert Invitation.objects.get(id=invitation.id).status == InvitationStatus.PENDING


# The sidebar ------------------------------------------------------------------------------


def test_the_sidebar_settings_follow_the_role(client_for, account, super_admin, admin, member):
    def sidebar(user: User) -> str:
        html = client_for(user).get(reverse("crm:records", args=[account.pk])).content.decode()
        return html.split('class="sidenav"')[1].split("</nav>")[0]

    ada, alan, grace = sidebar(super_admin), sidebar(admin), sidebar(member)

    for html in (ada, alan, grace):
        assert reverse("preferences") in html
    assert url("members", account) in ada and url("members", account) in alan
    assert url("members", account) not in grace
    assert url("security", account) in ada and url("security", account) not in alan
    assert reverse("alert_settings", args=[account.pk]) in ada


def test_invitations_of_another_account_never_show(client_for, account, super_admin):
    other = AccountFactory()
    with scopes_disabled():
        outsider = member_of(other, role=Role.SUPER_ADMIN)
    _invitation(other, outsider, "secret-invitee@example.test")

    page = client_for(super_admin).get(url("members", account)).content.decode()

    assert "secret-invitee@example.test" not in page
