"""Who gets what: one row per route, one column per kind of person (ENGINEERING §4).

The table is written from the product's rules (SPEC S1: only members with audit-log access see
the log, and everyone with access filters, saves views, comments and exports; super admins also
restore and delete records, manage views shared with everyone and set alerts; the CRM pages,
notifications and preferences are every member's), not read off the code. Each route is
requested with real objects of the person's own account, made afresh for every request, so a
POST that deletes something never changes what the next column sees.

A route the resolver knows and the table does not (or the other way round) fails the test: a
new route needs its row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import resolve_url
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled

from accounts.models import Account, Membership, Role, User
from administration.tokens import invitation_token
from auditlog.models import Event
from console.models import Comment, Sharing
from tests.crm.helpers import delete
from tests.exports.helpers import finished_job
from tests.factories import (
    InvitationFactory,
    NotificationFactory,
    RecordFactory,
    SavedViewFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
    member_of,
)
from tests.notifications.conftest import enqueued  # noqa: F401  (tasks recorded, not published)
from tests.routes import ACCOUNT_KWARG, Route, fill, product_routes

pytestmark = pytest.mark.django_db

# What a person gets.
OK = "ok"  # 200: the page, the partial or the file
REDIRECT = "redirect"  # 302 onwards, without an error message: done, or sent where it is shown
REFUSED = "refused"  # 302 back with an error message: may ask here, is told why not
LOGIN = "login"  # 302 to the sign-in page
FORBIDDEN = "forbidden"  # 403: the "no access" page
NOT_FOUND = "not found"  # 404
NOT_ALLOWED = "not allowed"  # 405: the route does not take this method

# Who asks. A platform employee (accounts.Employee) is not a User and has no way to sign in to
# the console yet, so their column is "like anonymous" and is requested without a session.
WHO = ("anonymous", "without_access", "member", "admin", "super_admin", "employee")


class Own:
    """Real objects of the person's own account for one request, each made when a URL needs it."""

    def __init__(self, cast: Cast, requester: User | None, record_event: Callable[..., Event]):
        self.cast, self.account, self.requester = cast, cast.account, requester
        self.record_event = record_event

    @cached_property
    def event(self) -> Event:
        return self.record_event(self.account, actor=self.cast.super_admin)

    @cached_property
    def comment(self) -> Comment:
        """A comment of the member (role member), on `event`."""
        return Comment.objects.create(
            account=self.account, event_id=self.event.id, author=self.cast.member, body="Seen."
        )

    @cached_property
    def delete_event(self) -> Event:
        """The CRM Delete event of a record a super admin deleted just now."""
        return delete(self.account, self.cast.super_admin, RecordFactory(account=self.account))

    @cached_property
    def reset_user(self) -> User:
        """Someone who asked for a password reset and is not the one signed in (signing in
        would change what the link's token was made from)."""
        return UserFactory()

    @cached_property
    def admin_to_change(self) -> User:
        """An admin with audit-log access, whose role, access and status super admins change."""
        return member_of(self.account, role=Role.ADMIN, audit_log_access=True)

    @cached_property
    def deactivated(self) -> User:
        person = member_of(self.account, role=Role.MEMBER)
        with scopes_disabled():
            Membership.objects.filter(account=self.account, user=person).update(is_active=False)
        return person

    @cached_property
    def team_with_member(self) -> int:
        """A team the member (role member) is in."""
        team = TeamFactory(account=self.account)
        TeamMemberFactory(team=team, user=self.cast.member)
        return team.id

    @cached_property
    def invitation_token(self) -> str:
        """The link of an open invitation to an address nobody signs in with yet."""
        invitation = InvitationFactory(account=self.account, invited_by=self.cast.super_admin)
        return invitation_token(
            account_id=self.account.pk, invitation_id=invitation.id, nonce=invitation.nonce
        )

    def person(self) -> User:
        """The requester, or the member when nobody is signed in (so there is an owner)."""
        return self.requester or self.cast.member


# keyword → the id of a real object of the person's own account
IDS: dict[str, Callable[[Own], object]] = {
    "event_id": lambda own: own.event.id,
    "comment_id": lambda own: own.comment.id,
    # The member's view, shared with everyone: the owner and super admins may change it.
    "view_id": lambda own: (
        SavedViewFactory(account=own.account, owner=own.cast.member, sharing=Sharing.EVERYONE).id
    ),
    "record_id": lambda own: RecordFactory(account=own.account).id,
    # Notifications and exports are the person's own (who else may open one is tested in
    # tests/notifications and tests/exports).
    "notification_id": lambda own: (
        NotificationFactory(account=own.account, recipient=own.person()).id
    ),
    "job_id": lambda own: finished_job(own.account, own.person()).id,
    "user_id": lambda own: own.admin_to_change.pk,
    "team_id": lambda own: TeamFactory(account=own.account).id,
    "invitation_id": lambda own: InvitationFactory(account=own.account).id,
}


@dataclass(frozen=True)
class Row:
    """What each of WHO gets on GET and, where the route takes a form, on POST (sending `data`,
    where "{who}" is the column, so that one person's POST never collides with the next's)."""

    get: tuple[str, ...]
    post: tuple[str, ...] | None = None
    data: Mapping[str, str] = field(default_factory=dict)
    ids: Mapping[str, Callable[[Own], object]] = field(default_factory=dict)  # over IDS


L, F, X = LOGIN, FORBIDDEN, NOT_ALLOWED
RESTORE_IDS = {"event_id": lambda own: own.delete_event.id}
SUPER = (L, F, F, F, REDIRECT, L)  # a super admin's action on a form; admins see, not change
# A real password-reset link.
RESET_IDS = {
    "uidb64": lambda own: urlsafe_base64_encode(force_bytes(own.reset_user.pk)),
    "token": lambda own: default_token_generator.make_token(own.reset_user),
}

# fmt: off
#            anonymous, without_access, member, admin, super_admin, employee
MATRIX: dict[str, Row] = {
    # Operations and the person's own pages.
    "healthz": Row(get=(OK, OK, OK, OK, OK, OK)),
    # The key checkpoints are signed with is public: auditors verify without an account.
    "signing_public_key": Row(get=(OK, OK, OK, OK, OK, OK), post=(X, X, X, X, X, X)),
    "login": Row(
        get=(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK),
        post=(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK),  # a wrong password: form again
        data={"username": "nobody@example.test", "password": "wrong"},
    ),
    "logout": Row(get=(X, X, X, X, X, X), post=(L, L, L, L, L, L)),
    "preferences": Row(
        get=(L, OK, OK, OK, OK, L),
        post=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
        data={"full_name": "Someone Renamed"},
    ),
    "home": Row(get=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L)),
    # Sign-in's code step follows a right password (without one, back to sign in); signed-in
    # people are sent on.
    "login_two_factor": Row(
        get=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
        post=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
        data={"code": "123456"},
    ),
    # A person's own two-factor authentication. A fresh client has begun no set-up, so a code
    # is refused (scan the new QR code); nobody here has it on, so there is nothing to turn off.
    "two_factor": Row(get=(L, OK, OK, OK, OK, L), post=(L, X, X, X, X, L)),
    "two_factor_enrol": Row(
        get=(L, OK, OK, OK, OK, L),
        post=(L, REFUSED, REFUSED, REFUSED, REFUSED, L),
        data={"code": "123456"},
    ),
    "two_factor_disable": Row(
        get=(L, X, X, X, X, L),
        post=(L, REFUSED, REFUSED, REFUSED, REFUSED, L),
        data={"code": "123456"},
    ),
    # Password resets by email: anyone may ask; the link (a real one) moves its token into the
    # session and redirects to the form.
    "password_reset": Row(
        get=(OK, OK, OK, OK, OK, OK),
        post=(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        data={"email": "nobody@example.test"},
    ),
    "password_reset_done": Row(get=(OK, OK, OK, OK, OK, OK), post=(X, X, X, X, X, X)),
    "password_reset_confirm": Row(
        get=(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        post=(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        ids=RESET_IDS,
    ),
    "password_reset_complete": Row(get=(OK, OK, OK, OK, OK, OK), post=(X, X, X, X, X, X)),
    # The Audit Logs page: members with audit-log access.
    "console:events": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    "console:actor_options": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    "console:event_detail": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    # Comments answer htmx with the tab; without script they go back to the entry's page.
    "console:comments": Row(
        get=(L, F, REDIRECT, REDIRECT, REDIRECT, L),
        post=(L, F, REDIRECT, REDIRECT, REDIRECT, L),
        data={"body": "Checked with the team."},
    ),
    # The member wrote the comment: only the author edits it ...
    "console:comment_edit": Row(
        get=(L, F, OK, REFUSED, REFUSED, L),
        post=(L, F, REDIRECT, REFUSED, REFUSED, L),
        data={"body": "Checked twice."},
    ),
    # ... the author or a super admin deletes it, and anyone with access resolves it.
    "console:comment_delete": Row(
        get=(L, F, X, X, X, L),
        post=(L, F, REDIRECT, REFUSED, REDIRECT, L),
    ),
    "console:comment_resolve": Row(
        get=(L, F, X, X, X, L),
        post=(L, F, REDIRECT, REDIRECT, REDIRECT, L),
    ),
    "console:mention_options": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    # "Verified through …" for everyone with access; only super admins start a verification.
    "console:verification": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    "console:verification_start": Row(get=(L, F, F, F, X, L), post=SUPER),
    # Saved views: everyone with access creates; the member's shared view is changed by its
    # owner and by super admins.
    "console:views_manage": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    "console:view_create": Row(
        get=(L, F, OK, OK, OK, L),
        post=(L, F, REDIRECT, REDIRECT, REDIRECT, L),
        data={"name": "Logins of {who}", "sharing": Sharing.PRIVATE, "category": "login"},
    ),
    "console:view_save": Row(get=(L, F, X, X, X, L), post=(L, F, REDIRECT, REFUSED, REDIRECT, L)),
    "console:view_rename": Row(
        get=(L, F, OK, REFUSED, OK, L),
        post=(L, F, REDIRECT, REFUSED, REDIRECT, L),
        data={"name": "Renamed by {who}"},
    ),
    "console:view_share": Row(
        get=(L, F, OK, REFUSED, OK, L),
        post=(L, F, REDIRECT, REFUSED, REDIRECT, L),
        data={"sharing": Sharing.PRIVATE},
    ),
    "console:view_delete": Row(
        get=(L, F, OK, REFUSED, OK, L),
        post=(L, F, REDIRECT, REFUSED, REDIRECT, L),
    ),
    # Notifications → Audit logs: each super admin's own alert settings.
    "alert_settings": Row(
        get=(L, F, F, F, OK, L),
        post=(L, F, F, F, REDIRECT, L),
        data={"multiple_exports_threshold": "10", "removed_admin_rights": "on"},
    ),
    # Settings → Security: super admins only.
    "administration:security": Row(
        get=(L, F, F, F, OK, L),
        post=(L, F, F, F, REDIRECT, L),
        data={"section": "login", "session_timeout": "60"},
    ),
    # The notification centre: every member, their own notifications.
    "notifications:list": Row(get=(L, OK, OK, OK, OK, L), post=(L, X, X, X, X, L)),
    "notifications:read_all": Row(
        get=(L, X, X, X, X, L),
        post=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
    ),
    "notifications:open": Row(
        get=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
        post=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
    ),
    "notifications:read": Row(
        get=(L, X, X, X, X, L),
        post=(L, REDIRECT, REDIRECT, REDIRECT, REDIRECT, L),
    ),
    # Exports: everyone with access, their own files.
    "exports:list": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    "exports:dialog": Row(
        get=(L, F, OK, OK, OK, L),
        post=(L, F, REDIRECT, REDIRECT, REDIRECT, L),
        data={"view": "all", "date": "30d"},
    ),
    "exports:download": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L)),
    # The account's CRM: every member sees records (the audit timeline only with access);
    # super admins delete them, and restore them from a Delete event of the log.
    "crm:records": Row(get=(L, OK, OK, OK, OK, L), post=(L, X, X, X, X, L)),
    "crm:record": Row(get=(L, OK, OK, OK, OK, L), post=(L, X, X, X, X, L)),
    "crm:record_delete": Row(get=(L, F, F, F, OK, L), post=(L, F, F, F, REDIRECT, L)),
    "crm:restore": Row(
        get=(L, F, OK, OK, OK, L),  # the dialog says why a member cannot restore
        post=(L, F, REFUSED, REFUSED, REDIRECT, L),
        ids=RESTORE_IDS,
    ),
    "crm:restore_panel": Row(get=(L, F, OK, OK, OK, L), post=(L, F, X, X, X, L), ids=RESTORE_IDS),
    # Settings → Users & teams: admins and super admins see them, super admins change them.
    "administration:members": Row(get=(L, F, F, OK, OK, L), post=(L, X, X, X, X, L)),
    "administration:member_invite": Row(
        get=(L, F, F, F, OK, L),
        post=SUPER,
        data={"email": "new-{who}@example.test", "role": "member"},
    ),
    "administration:invitation_resend": Row(get=(L, X, X, X, X, L), post=SUPER),
    "administration:invitation_revoke": Row(get=(L, X, X, X, X, L), post=SUPER),
    "administration:member": Row(get=(L, F, F, OK, OK, L), post=(L, X, X, X, X, L)),
    "administration:member_role": Row(get=(L, X, X, X, X, L), post=SUPER, data={"role": "member"}),
    "administration:member_access": Row(get=(L, X, X, X, X, L), post=SUPER),  # access removed
    "administration:member_deactivate": Row(get=(L, X, X, X, X, L), post=SUPER),
    "administration:member_reactivate": Row(
        get=(L, X, X, X, X, L), post=SUPER, ids={"user_id": lambda own: own.deactivated.pk},
    ),
    "administration:member_remove": Row(get=(L, F, F, F, OK, L), post=SUPER),
    "administration:member_password_reset": Row(get=(L, X, X, X, X, L), post=SUPER),
    "administration:teams": Row(
        get=(L, F, F, OK, OK, L), post=SUPER, data={"name": "Team of {who}"},
    ),
    "administration:team": Row(get=(L, F, F, OK, OK, L), post=(L, X, X, X, X, L)),
    "administration:team_rename": Row(
        get=(L, X, X, X, X, L), post=SUPER, data={"name": "Renamed by {who}"},
    ),
    "administration:team_delete": Row(get=(L, F, F, F, OK, L), post=SUPER),
    "administration:team_member_add": Row(
        get=(L, X, X, X, X, L), post=SUPER, data={"email": "grace@northwind.test"},
    ),
    "administration:team_member_remove": Row(
        get=(L, X, X, X, X, L),
        post=SUPER,
        ids={
            "team_id": lambda own: own.team_with_member,
            "user_id": lambda own: own.cast.member.pk,
        },
    ),
    # An invitation's link: anyone may open it; a new person joins with a name and password,
    # and someone signed in as another person is told to sign out first.
    "invitation_accept": Row(
        get=(OK, OK, OK, OK, OK, OK),
        post=(REDIRECT, REFUSED, REFUSED, REFUSED, REFUSED, REDIRECT),
        data={"full_name": "New {who}", "password1": "s3cret-{who}-words",
              "password2": "s3cret-{who}-words"},
        ids={"token": lambda own: own.invitation_token},
    ),
}
# fmt: on


@dataclass(frozen=True)
class Cast:
    """One account and a person of each kind in it."""

    account: Account
    without_access: User
    member: User
    admin: User
    super_admin: User

    def person(self, who: str) -> User | None:
        return None if who in ("anonymous", "employee") else getattr(self, who)


@pytest.fixture
def cast(account: Account, super_admin: User, member: User, member_without_access: User) -> Cast:
    admin = member_of(account, role=Role.ADMIN, audit_log_access=True, full_name="Alan Admin")
    return Cast(account, member_without_access, member, admin, super_admin)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Export files go to a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def outcome(response) -> str:
    """The response in the table's words."""
    status = response.status_code
    if status in (301, 302, 303):
        if response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL):
            return LOGIN
        said = messages.get_messages(response.wsgi_request)
        return REFUSED if any(m.level == messages.ERROR for m in said) else REDIRECT
    words = {200: OK, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}
    return words.get(status, str(status))


def routes_by_name() -> dict[str | None, Route]:
    return {route.name: route for route in product_routes()}


def test_every_route_has_a_row_and_every_row_a_route():
    routes = routes_by_name()
    unnamed = [route.text for route in product_routes() if not route.name]
    assert not unnamed, "routes without a name (a row needs one)"
    assert set(MATRIX) - set(routes) == set(), "rows for routes that no longer exist"
    assert set(routes) - set(MATRIX) == set(), "routes without a row in MATRIX: add one"
    for name, row in MATRIX.items():
        assert len(row.get) == len(WHO) and (row.post is None or len(row.post) == len(WHO)), name


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_gets_what(name: str, cast: Cast, record_event):
    route, row = routes_by_name()[name], MATRIX[name]
    makers = {**IDS, **row.ids}
    unknown = sorted(set(route.object_kwargs) - set(makers))
    assert not unknown, f"{route.text}: no id for {unknown}; add a maker to IDS"

    wrong = []
    for method, wanted in (("GET", row.get), ("POST", row.post)):
        if wanted is None:
            continue
        for who, expected in zip(WHO, wanted, strict=True):
            person = cast.person(who)
            own = Own(cast, person, record_event)
            values = {ACCOUNT_KWARG: cast.account.pk} | {
                kwarg: makers[kwarg](own) for kwarg in route.object_kwargs
            }
            client = Client(raise_request_exception=False)
            if person is not None:
                client.force_login(person)
            url = fill(route, values)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {k: v.format(who=who) for k, v in row.data.items()})
            got = outcome(response)
            if got != expected:
                wrong.append(f"{method} {url} as {who}: {got}, the table says {expected}")

    assert not wrong, f"{name} does not answer as the table says:\n" + "\n".join(wrong)
