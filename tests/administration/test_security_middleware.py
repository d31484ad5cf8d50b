"""The rules every request of a signed-in person meets: the account's two-factor requirement and
its session timeout."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Account, Role, Tier
from administration.middleware import LAST_SEEN_KEY
from tests.administration.two_factor import enrol
from tests.factories import MembershipFactory, account_with_tier
from tests.utils import events_of

pytestmark = pytest.mark.django_db

ENROL = "/security/two-factor/enrol/"


def require_two_factor(account: Account) -> None:
    account.two_factor_required = True
    account.save(update_fields=["two_factor_required"])


def set_timeout(account: Account, minutes: int | None) -> None:
    account.session_timeout = minutes
    account.save(update_fields=["session_timeout"])


# The two-factor requirement ---------------------------------------------------------------------


def test_a_member_without_two_factor_reaches_only_the_enrolment(client_for, account, member):
    require_two_factor(account)
    client = client_for(member)

    for url in (
        f"/a/{account.pk}/audit-logs/",
        f"/a/{account.pk}/notifications/",
        "/preferences/",
        "/",
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, ENROL), url
    assert client.get(ENROL).status_code == 200
    assert client.get("/security/two-factor/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/logout/").status_code == 302


def test_htmx_requests_are_sent_to_the_enrolment_as_a_whole_page(client_for, account, member):
    require_two_factor(account)

    response = client_for(member).get(f"/a/{account.pk}/audit-logs/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == ENROL


def test_any_of_the_persons_accounts_can_require_it(client_for, account, other_account, member):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member)
    require_two_factor(other_account)

    response = client_for(member).get(f"/a/{account.pk}/audit-logs/")

    assert response["Location"] == ENROL


def test_a_former_account_does_not_require_it(client_for, account, member):
    former = account_with_tier(Tier.STARTER, name="Former Test")
    with scopes_disabled():
        MembershipFactory(account=former, user=member, is_active=False)
    require_two_factor(former)

    assert client_for(member).get(f"/a/{account.pk}/audit-logs/").status_code == 200


def test_once_set_up_everything_opens(client_for, account, member):
    require_two_factor(account)
    enrol(member)

    assert client_for(member).get(f"/a/{account.pk}/audit-logs/").status_code == 200


def test_the_requirement_reaches_people_already_signed_in(client_for, account, member):
    client = client_for(member)
    assert client.get(f"/a/{account.pk}/audit-logs/").status_code == 200

    require_two_factor(account)

    assert client.get(f"/a/{account.pk}/audit-logs/")["Location"] == ENROL


# The session timeout ----------------------------------------------------------------------------


def test_an_idle_session_is_signed_out_on_the_accounts_pages(client_for, account, member):
    set_timeout(account, 30)
    client = client_for(member)
    page = f"/a/{account.pk}/audit-logs/"
    assert client.get(page).status_code == 200

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        response = client.get(page, REMOTE_ADDR="81.2.69.142")

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={page}"
    assert "_auth_user_id" not in client.session
    (logout,) = events_of(account, subcategory="logout")
    assert logout.metadata == {"reason": "session timeout"}
    assert logout.ip_address == "81.2.69.142"


def test_activity_keeps_the_session(client_for, account, member):
    set_timeout(account, 30)
    client = client_for(member)
    page = f"/a/{account.pk}/audit-logs/"
    start = timezone.now()
    for minutes in (0, 20, 40, 60):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes)):
            assert client.get(page).status_code == 200, minutes


def test_a_burst_of_requests_writes_the_session_once(client_for, account, member):
    set_timeout(account, 30)
    client = client_for(member)
    page = f"/a/{account.pk}/audit-logs/"
    client.get(page)
    seen = client.session[LAST_SEEN_KEY]

    client.get(page)

    assert client.session[LAST_SEEN_KEY] == seen
    assert abs(seen - time.time()) < 5


def test_another_accounts_looser_timeout_applies_on_its_own_pages(
    client_for, account, other_account, member
):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member, role=Role.SUPER_ADMIN)
    set_timeout(account, 30)
    set_timeout(other_account, 240)
    client = client_for(member)
    client.get(f"/a/{other_account.pk}/audit-logs/")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=45)):
        assert client.get(f"/a/{other_account.pk}/audit-logs/").status_code == 200


def test_away_from_account_pages_the_strictest_timeout_applies(
    client_for, account, other_account, member
):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member)
    set_timeout(account, 30)
    set_timeout(other_account, 240)
    client = client_for(member)
    client.get("/preferences/")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=45)):
        response = client.get("/preferences/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_without_a_timeout_an_idle_session_stays(client_for, account, member):
    client = client_for(member)
    client.get(f"/a/{account.pk}/audit-logs/")

    with time_machine.travel(timezone.now() + timezone.timedelta(hours=30)):
        assert client.get(f"/a/{account.pk}/audit-logs/").status_code == 200
