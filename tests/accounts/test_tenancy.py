"""Tenancy: every tenant query needs a scope; account URLs answer 404 to anyone but members."""

from __future__ import annotations

import pytest
from django.apps import apps
from django_scopes import ScopeError, scope, scopes_disabled

from accounts.models import Membership, Role, Team, TenantModel
from accounts.selectors import membership_for, memberships_of, team_ids_of
from auditlog.models import Event
from tests.factories import (
    AccountFactory,
    MembershipFactory,
    RecordFactory,
    TeamFactory,
    TeamMemberFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

TENANT_MODELS = [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_the_tenant_models_are_found():
    names = {m._meta.label for m in TENANT_MODELS}
    assert {
        "accounts.Subscription",
        "accounts.Membership",
        "accounts.Team",
        "accounts.TeamMember",
        "auditlog.Event",
        "crm.Record",
        "crm.Association",
    } <= names


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_an_unscoped_query_fails_loudly(model, account):
    with pytest.raises(ScopeError):
        model.objects.all()
    with pytest.raises(ScopeError):
        model.objects.filter(account=account)
    with pytest.raises(ScopeError):
        model.objects.count()
    with pytest.raises(ScopeError):
        model.objects.get(account=account)


def test_event_objects_all_outside_a_scope_raises(account, super_admin, record_event):
    record_event(account, actor=super_admin)
    with pytest.raises(ScopeError):
        list(Event.objects.all())


def test_a_scope_shows_only_its_accounts_rows(account, other_account):
    ours = TeamFactory(account=account, name="Ours")
    TeamFactory(account=other_account, name="Theirs")
    RecordFactory(account=other_account, label="Their contact")

    with scope(account=account):
        assert list(Team.objects.all()) == [ours]
        assert not Team.objects.filter(name="Theirs").exists()
        assert Team.objects.count() == 1
    with scope(account=other_account):
        assert [t.name for t in Team.objects.all()] == ["Theirs"]
    with scopes_disabled():
        assert Team.objects.filter(name__in=["Ours", "Theirs"]).count() == 2


def test_membership_for_answers_only_active_members(account, other_account, member):
    found = membership_for(user=member, account_id=account.pk)
    assert found is not None and found.account == account
    assert membership_for(user=member, account_id=str(account.pk)) == found
    assert membership_for(user=member, account_id=other_account.pk) is None
    assert membership_for(user=member, account_id=10**12) is None
    assert membership_for(user=member, account_id="abc") is None
    assert membership_for(user=member, account_id=None) is None

    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).update(is_active=False)
    assert membership_for(user=member, account_id=account.pk) is None
    assert memberships_of(user=member) == []


def test_memberships_of_spans_accounts(account, other_account, member):
    MembershipFactory(account=other_account, user=member)
    assert [m.account for m in memberships_of(user=member)] == [other_account, account]  # by name


def test_team_ids_of_reads_only_that_account(account, other_account, member):
    ours = TeamFactory(account=account)
    TeamMemberFactory(team=ours, user=member)
    TeamMemberFactory(team=TeamFactory(account=other_account), user=member)
    assert team_ids_of(account=account, user=member) == [ours.id]


# Account URLs ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client_for, account):
    url = f"/a/{account.pk}/audit-logs/"
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_a_member_of_another_account_gets_404(client_for, other_account, member, record_event):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    record_event(other_account, actor=outsider, object_label="Their secret deal")

    response = client_for(member).get(f"/a/{other_account.pk}/audit-logs/")

    assert response.status_code == 404
    assert b"Their secret deal" not in response.content


@pytest.mark.parametrize("account_id", [10**9, 0])
def test_an_account_that_does_not_exist_gets_404(client_for, super_admin, account_id):
    response = client_for(super_admin).get(f"/a/{account_id}/audit-logs/")
    assert response.status_code == 404


def test_an_inactive_membership_is_told_so_not_shown_the_account(client_for, account, member):
    client = client_for(member)
    assert client.get(f"/a/{account.pk}/audit-logs/").status_code == 200
    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).update(is_active=False)
    response = client.get(f"/a/{account.pk}/audit-logs/")
    assert response.status_code == 403
    assert "Your access to Northwind Test was deactivated" in response.content.decode()


def test_home_sends_a_person_of_one_account_to_its_log(client_for, account, member):
    response = client_for(member).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.pk}/audit-logs/"


def test_home_lists_every_account_of_a_person_of_several(client_for, account, member):
    second = AccountFactory(name="Second Portal")
    MembershipFactory(account=second, user=member, audit_log_access=True)
    unrelated = AccountFactory(name="Not Yours Inc")

    response = client_for(member).get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert account.name in content and "Second Portal" in content
    assert f"/a/{second.pk}/audit-logs/" in content
    assert unrelated.name not in content


def test_an_unhandled_domain_refusal_is_a_404_or_a_403_never_a_500(rf, account, super_admin):
    from django.http import Http404, HttpResponse

    from accounts.errors import NotFound, Refused
    from accounts.middleware import TenancyMiddleware
    from accounts.selectors import membership_for

    middleware = TenancyMiddleware(lambda request: HttpResponse())
    request = rf.get(f"/a/{account.pk}/audit-logs/")
    request.user = super_admin
    request.account = account
    request.membership = membership_for(user=super_admin, account_id=account.pk)

    # Django calls process_exception inside the scope the middleware opened for the view.
    with scope(account=account):
        with pytest.raises(Http404):
            middleware.process_exception(request, NotFound("This comment does not exist."))
        refused = middleware.process_exception(request, Refused("Only super admins can do this."))
        assert refused is not None and refused.status_code == 403
        assert "Only super admins can do this." in refused.content.decode()
        assert middleware.process_exception(request, ValueError("a bug")) is None
