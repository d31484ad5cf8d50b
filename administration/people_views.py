"""Settings → Users & teams, and accepting an invitation.

Admins and super admins see the members and teams; only super admins change them (the services
check it again). A view with an id finds its object in the account first, so another account's
id is a 404 whoever asks, then checks the role. A refusal by a business rule (the last super
admin, one's own role) comes back as a message saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_scopes import scope

from accounts.errors import DomainError
from accounts.http import AccountRequest, HtmxRequest
from accounts.models import Membership, Role, Team, User
from administration.models import Invitation
from administration.people import (
    NewPerson,
    invitation_accept,
    invitation_resend,
    invitation_revoke,
    member_access_change,
    member_deactivate,
    member_invite,
    member_password_reset_send,
    member_reactivate,
    member_remove,
    member_role_change,
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_rename,
)
from administration.people_forms import (
    AccessForm,
    InviteForm,
    MemberSearchForm,
    NewPersonForm,
    RoleForm,
    TeamMemberForm,
    TeamNameForm,
)
from administration.selectors import (
    MemberCursor,
    invitation_from_token,
    invitation_get,
    invitation_refusal,
    invitations_open,
    member_get,
    member_row,
    members_not_in_team,
    members_page,
    team_get,
    team_members,
    teams_with_counts,
)
from auditlog.http import request_context

SEE_REASON = gettext_lazy("Only admins and super admins can see users and teams.")
MANAGE_REASON = gettext_lazy("Only super admins can manage users and teams.")
# Django's own backend: `login` must name one when several are configured.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _origin(request: HtmxRequest) -> dict[str, Any]:
    context = request_context(request)
    return {"ip": context.ip, "user_agent": context.user_agent, "url": context.url}


def _sees(membership: Membership) -> bool:
    return membership.role in (Role.ADMIN, Role.SUPER_ADMIN)


def _no_access(request: AccountRequest, reason: object) -> TemplateResponse:
    return TemplateResponse(
        request, "accounts/no_access.html", {"reason": reason, "nav": "users"}, status=403
    )


def _member_or_404(request: AccountRequest, user_id: int) -> Membership:
    membership = member_get(account=request.account, user_id=user_id)
    if membership is None:
        raise Http404(_("This person is not a member of this account."))
    return membership


def _act(request: AccountRequest, action: Callable[[], str], back: str) -> HttpResponseRedirect:
    """Run a super admin's action: its message on success, the reason on a refusal."""
    try:
        done = action()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(back)


def _member_url(account_id: int, user_id: int) -> str:
    return reverse("administration:member", args=[account_id, user_id])


def _name(user: User) -> str:
    return user.full_name or user.email


# Members -----------------------------------------------------------------------------------


@login_required
@require_GET
def member_list(request: AccountRequest, account_id: int) -> TemplateResponse:
    """The account's members, searchable and keyset-paged, with the open invitations."""
    if not _sees(request.membership):
        return _no_access(request, SEE_REASON)
    search = MemberSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "").strip()
    status = search.cleaned_data.get("status", "")
    after = MemberCursor.decode(request.GET["after"]) if request.GET.get("after") else None
    page = members_page(account=request.account, query=query, status=status, after=after)
    params = {k: v for k, v in {"q": query, "status": status}.items() if v}
    next_cursor = page.next_cursor
    context = {
        "nav": "users",
        "rows": page.rows,
        "search": search,
        "query": query,
        "status": status,
        "next_url": "?" + urlencode({**params, "after": next_cursor.encode()})
        if next_cursor
        else None,
        "first_url": "?" + urlencode(params) if after else None,
        "invitations": invitations_open(account=request.account),
        "can_manage": request.membership.is_super_admin,
    }
    template = "administration/people/member_list.html"
    if request.htmx and request.htmx.target == "member-results":
        template += "#results"
    return TemplateResponse(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def member_invite_view(request: AccountRequest, account_id: int) -> HttpResponse:
    """Invite someone by email (super admins)."""
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = member_invite(
                account=request.account, by=request.membership, **form.cleaned_data,
                **_origin(request),
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return HttpResponseRedirect(reverse("administration:members", args=[account_id]))
    return TemplateResponse(
        request,
        "administration/people/invite.html",
        {"nav": "users", "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _invitation_or_404(request: AccountRequest, invitation_id: int) -> None:
    if invitation_get(account=request.account, invitation_id=invitation_id) is None:
        raise Http404(_("This invitation does not exist."))


@login_required
@require_POST
def invitation_resend_view(
    request: AccountRequest, account_id: int, invitation_id: int
) -> HttpResponse:
    _invitation_or_404(request, invitation_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)

    def resend() -> str:
        invitation = invitation_resend(
            account=request.account, by=request.membership, invitation_id=invitation_id,
            **_origin(request),
        )  # fmt: skip
        return _("Invitation sent to %(email)s again.") % {"email": invitation.email}

    return _act(request, resend, reverse("administration:members", args=[account_id]))


@login_required
@require_POST
def invitation_revoke_view(
    request: AccountRequest, account_id: int, invitation_id: int
) -> HttpResponse:
    _invitation_or_404(request, invitation_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)

    def revoke() -> str:
        invitation = invitation_revoke(
            account=request.account, by=request.membership, invitation_id=invitation_id,
            **_origin(request),
        )  # fmt: skip
        return _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}

    return _act(request, revoke, reverse("administration:members", args=[account_id]))


@login_required
@require_GET
def member_detail(request: AccountRequest, account_id: int, user_id: int) -> TemplateResponse:
    """One member: role, access, teams, status; the super admin's actions on them."""
    membership = _member_or_404(request, user_id)
    if not _sees(request.membership):
        return _no_access(request, SEE_REASON)
    return TemplateResponse(
        request,
        "administration/people/member_detail.html",
        {
            "nav": "users",
            "row": member_row(account=request.account, membership=membership),
            "is_self": membership.user_id == request.user.pk,
            "can_manage": request.membership.is_super_admin,
            "role_form": RoleForm(initial={"role": membership.role}),
            "roles": Role.choices,
        },
    )


def _member_action(
    request: AccountRequest, account_id: int, user_id: int, action: Callable[[Membership], str]
) -> HttpResponse:
    membership = _member_or_404(request, user_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)
    return _act(request, lambda: action(membership), _member_url(account_id, user_id))


@login_required
@require_POST
def member_role_view(request: AccountRequest, account_id: int, user_id: int) -> HttpResponse:
    form = RoleForm(request.POST)

    def change(membership: Membership) -> str:
        if not form.is_valid():
            raise DomainError(_("Choose a role: member, admin or super admin."))
        changed = member_role_change(
            account=request.account, by=request.membership, user_id=user_id,
            role=form.cleaned_data["role"], **_origin(request),
        )  # fmt: skip
        return _("%(name)s is now %(role)s.") % {
            "name": _name(membership.user),
            "role": changed.get_role_display().lower(),
        }

    return _member_action(request, account_id, user_id, change)


@login_required
@require_POST
def member_access_view(request: AccountRequest, account_id: int, user_id: int) -> HttpResponse:
    form = AccessForm(request.POST)

    def change(membership: Membership) -> str:
        form.is_valid()
        granted = bool(form.cleaned_data.get("audit_log_access"))
        member_access_change(
            account=request.account, by=request.membership, user_id=user_id,
            audit_log_access=granted, **_origin(request),
        )  # fmt: skip
        text = (
            _("%(name)s has audit-log access.")
            if granted
            else _("%(name)s has no audit-log access.")
        )
        return text % {"name": _name(membership.user)}

    return _member_action(request, account_id, user_id, change)


@login_required
@require_POST
def member_deactivate_view(request: AccountRequest, account_id: int, user_id: int) -> HttpResponse:
    def deactivate(membership: Membership) -> str:
        member_deactivate(
            account=request.account, by=request.membership, user_id=user_id, **_origin(request)
        )
        return _("%(name)s is deactivated: their access ended.") % {"name": _name(membership.user)}

    return _member_action(request, account_id, user_id, deactivate)


@login_required
@require_POST
def member_reactivate_view(request: AccountRequest, account_id: int, user_id: int) -> HttpResponse:
    def reactivate(membership: Membership) -> str:
        member_reactivate(
            account=request.account, by=request.membership, user_id=user_id, **_origin(request)
        )
        return _("%(name)s is active again.") % {"name": _name(membership.user)}

    return _member_action(request, account_id, user_id, reactivate)


@login_required
@require_POST
def member_password_reset_view(
    request: AccountRequest, account_id: int, user_id: int
) -> HttpResponse:
    def send(membership: Membership) -> str:
        member_password_reset_send(
            account=request.account, by=request.membership, user_id=user_id, **_origin(request)
        )
        return _("A password-reset email is on its way to %(email)s.") % {
            "email": membership.user.email
        }

    return _member_action(request, account_id, user_id, send)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove_view(request: AccountRequest, account_id: int, user_id: int) -> HttpResponse:
    """Confirm, then remove a person from the account (super admins)."""
    membership = _member_or_404(request, user_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)
    if request.method == "POST":
        try:
            member_remove(
                account=request.account, by=request.membership, user_id=user_id,
                **_origin(request),
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(_member_url(account_id, user_id))
        messages.success(
            request,
            _("%(name)s was removed from %(account)s.")
            % {"name": _name(membership.user), "account": request.account.name},
        )
        if user_id == request.user.pk:  # they left: the account's pages are no longer theirs
            return HttpResponseRedirect(reverse("home"))
        return HttpResponseRedirect(reverse("administration:members", args=[account_id]))
    return TemplateResponse(
        request,
        "administration/people/member_remove.html",
        {"nav": "users", "membership": membership, "is_self": user_id == request.user.pk},
    )


# Teams -------------------------------------------------------------------------------------


def _team_url(account_id: int, team_id: int) -> str:
    return reverse("administration:team", args=[account_id, team_id])


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: AccountRequest, account_id: int) -> HttpResponse:
    """The account's teams; super admins create them here."""
    if not _sees(request.membership):
        return _no_access(request, SEE_REASON)
    form = TeamNameForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_super_admin:
            return _no_access(request, MANAGE_REASON)
        if form.is_valid():
            try:
                team = team_create(
                    account=request.account, by=request.membership,
                    name=form.cleaned_data["name"], **_origin(request),
                )  # fmt: skip
            except DomainError as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("Team %(name)s created.") % {"name": team.name})
                return HttpResponseRedirect(_team_url(account_id, team.id))
    return TemplateResponse(
        request,
        "administration/people/team_list.html",
        {
            "nav": "teams",
            "teams": list(teams_with_counts(account=request.account)),
            "form": form,
            "can_manage": request.membership.is_super_admin,
        },
        status=400 if request.method == "POST" else 200,
    )


def _team_or_404(request: AccountRequest, team_id: int) -> Team:
    team = team_get(account=request.account, team_id=team_id)
    if team is None:
        raise Http404(_("This team does not exist."))
    return team


@login_required
@require_GET
def team_detail(request: AccountRequest, account_id: int, team_id: int) -> TemplateResponse:
    """A team's members; super admins rename it and add or remove members here."""
    team = _team_or_404(request, team_id)
    if not _sees(request.membership):
        return _no_access(request, SEE_REASON)
    can_manage = request.membership.is_super_admin
    return TemplateResponse(
        request,
        "administration/people/team_detail.html",
        {
            "nav": "teams",
            "team": team,
            "members": team_members(account=request.account, team=team),
            "candidates": members_not_in_team(account=request.account, team=team)
            if can_manage
            else [],
            "rename_form": TeamNameForm(initial={"name": team.name}),
            "member_form": TeamMemberForm(),
            "can_manage": can_manage,
        },
    )


def _team_action(
    request: AccountRequest, account_id: int, team_id: int, action: Callable[[Team], str]
) -> HttpResponse:
    team = _team_or_404(request, team_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)
    return _act(request, lambda: action(team), _team_url(account_id, team_id))


@login_required
@require_POST
def team_rename_view(request: AccountRequest, account_id: int, team_id: int) -> HttpResponse:
    form = TeamNameForm(request.POST)

    def rename(team: Team) -> str:
        if not form.is_valid():
            raise DomainError(_("Give the team a name of at most 120 characters."))
        renamed = team_rename(
            account=request.account, by=request.membership, team_id=team_id,
            name=form.cleaned_data["name"], **_origin(request),
        )  # fmt: skip
        return _("The team is now called %(name)s.") % {"name": renamed.name}

    return _team_action(request, account_id, team_id, rename)


@login_required
@require_http_methods(["GET", "POST"])
def team_delete_view(request: AccountRequest, account_id: int, team_id: int) -> HttpResponse:
    """Confirm, then delete a team (super admins)."""
    team = _team_or_404(request, team_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)
    if request.method == "POST":
        try:
            team_delete(
                account=request.account, by=request.membership, team_id=team_id,
                **_origin(request),
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(_team_url(account_id, team_id))
        messages.success(request, _("Team %(name)s deleted.") % {"name": team.name})
        return HttpResponseRedirect(reverse("administration:teams", args=[account_id]))
    return TemplateResponse(
        request,
        "administration/people/team_delete.html",
        {"nav": "teams", "team": team, "members": team_members(account=request.account, team=team)},
    )


@login_required
@require_POST
def team_member_add_view(request: AccountRequest, account_id: int, team_id: int) -> HttpResponse:
    form = TeamMemberForm(request.POST)

    def add(team: Team) -> str:
        if not form.is_valid():
            raise DomainError(_("Give the email of a member of this account."))
        email = form.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email).first()
        membership = member_get(account=request.account, user_id=person.pk) if person else None
        if membership is None:
            raise DomainError(
                _("%(email)s is not a member of this account: invite them first.")
                % {"email": email}
            )
        team_member_add(
            account=request.account, by=request.membership, team_id=team_id,
            user_id=membership.user_id, **_origin(request),
        )  # fmt: skip
        return _("%(name)s joined %(team)s.") % {"name": _name(membership.user), "team": team.name}

    return _team_action(request, account_id, team_id, add)


@login_required
@require_POST
def team_member_remove_view(
    request: AccountRequest, account_id: int, team_id: int, user_id: int
) -> HttpResponse:
    team = _team_or_404(request, team_id)
    membership = _member_or_404(request, user_id)
    if not request.membership.is_super_admin:
        return _no_access(request, MANAGE_REASON)

    def remove() -> str:
        team_member_remove(
            account=request.account, by=request.membership, team_id=team_id, user_id=user_id,
            **_origin(request),
        )  # fmt: skip
        return _("%(name)s left %(team)s.") % {"name": _name(membership.user), "team": team.name}

    return _act(request, remove, _team_url(account_id, team_id))


# Accepting an invitation (not account-scoped: the person may have no sign-in yet) ------------


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HtmxRequest, token: str) -> HttpResponse:
    """Open an invitation's link: a new person sets a name and password, a person who can sign
    in joins with one click; a link used, withdrawn or expired says so."""
    invitation = invitation_from_token(token=token)
    if invitation is None:
        raise Http404(_("This invitation link is not valid."))
    account = invitation.account
    with scope(account=account):
        refusal = invitation_refusal(invitation)
        if refusal:
            return TemplateResponse(
                request,
                "administration/people/invitation_closed.html",
                {"reason": refusal, "account": account},
                status=410,
            ).render()
        response = _invitation_step(request, invitation)
        if isinstance(response, TemplateResponse):
            response.render()
        return response


def _invitation_step(request: HtmxRequest, invitation: Invitation) -> HttpResponse:
    here = request.get_full_path()
    signed_in = request.user if isinstance(request.user, User) else None
    person = User.objects.filter(email__iexact=invitation.email).first()
    context: dict[str, Any] = {"invitation": invitation, "account": invitation.account}
    if signed_in is not None and signed_in.email.lower() != invitation.email.lower():
        if request.method == "POST":
            messages.error(
                request,
                _("This invitation is for %(email)s. Sign out, then open the link again.")
                % {"email": invitation.email},
            )
            return HttpResponseRedirect(here)
        return TemplateResponse(
            request, "administration/people/invitation.html", {**context, "step": "other"}
        )
    if person is not None and signed_in is None:
        login_url = reverse("login") + "?" + urlencode({"next": here})
        return TemplateResponse(
            request,
            "administration/people/invitation.html",
            {**context, "step": "sign_in", "login_url": login_url},
        )
    form = NewPersonForm(request.POST or None, email=invitation.email) if person is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        who: User | NewPerson | None = (
            NewPerson(form.cleaned_data["full_name"], form.cleaned_data["password1"])
            if form is not None
            else signed_in
        )
        assert who is not None  # a person who can sign in got here signed in
        try:
            membership = invitation_accept(invitation=invitation, person=who, **_origin(request))
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(here)
        if form is not None:
            login(request, membership.user, backend=MODEL_BACKEND)
        welcome = _("Welcome to %(account)s.") % {"account": membership.account.name}
        messages.success(request, welcome)
        return HttpResponseRedirect(reverse("home"))
    return TemplateResponse(
        request,
        "administration/people/invitation.html",
        {**context, "step": "new" if form is not None else "join", "form": form},
        status=400 if request.method == "POST" else 200,
    )
