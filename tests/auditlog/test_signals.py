"""Sign-ins to the console are Login events in each of the person's accounts (SPEC S2, S9)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from accounts.models import Membership
from auditlog.models import Event
from auditlog.signals import LOGIN_TYPE_PASSWORD
from tests.factories import PASSWORD, AccountFactory, MembershipFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db

FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0"


def sign_in(client: Client, email: str, password: str = PASSWORD, **headers):
    return client.post("/login/", {"username": email, "password": password}, **headers)


def test_a_sign_in_is_recorded_in_each_of_the_persons_accounts(account, other_account, member):
    MembershipFactory(account=other_account, user=member)
    former = AccountFactory(name="Former employer")
    MembershipFactory(account=former, user=member, is_active=False)

    response = sign_in(
        Client(), "grace@northwind.test", REMOTE_ADDR="81.2.69.142", HTTP_USER_AGENT=FIREFOX_MAC
    )

    assert response.status_code == 302  # signed in, sent on
    for tenant in (account, other_account):
        [event] = events_of(tenant)
        assert (event.category, event.subcategory, event.action) == (
            "login",
            "login_succeeded",
            "login",
        )
        assert event.actor_user_id == member.pk
        assert event.actor_email == "grace@northwind.test"
        assert event.ip_address == "81.2.69.142"
        assert (event.country_code, event.city) == ("GB", "Willesden")
        assert event.user_agent == FIREFOX_MAC
        assert (event.browser, event.os, event.device) == (
            "Firefox 125",
            "Mac OS X 14.4",
            "Desktop · Mac",
        )
        assert event.login_type == LOGIN_TYPE_PASSWORD
        assert event.url == "http://testserver/login/"
    assert events_of(former) == []


def test_behind_a_trusted_proxy_the_address_it_saw_is_recorded(account, member, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    sign_in(
        Client(),
        member.email,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="89.160.20.112, 10.0.0.1",
        HTTP_USER_AGENT=FIREFOX_MAC,
    )

    [event] = events_of(account)
    assert event.ip_address == "89.160.20.112"
    assert (event.country_code, event.country, event.city) == ("SE", "Sweden", "Stockholm")


def test_a_failed_sign_in_records_the_attempted_email(account, other_account, member):
    MembershipFactory(account=other_account, user=member)
    client = Client()

    response = sign_in(
        client,
        "Grace@Northwind.test",
        "wrong password",
        REMOTE_ADDR="81.2.69.142",
        HTTP_USER_AGENT=FIREFOX_MAC,
    )

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    for tenant in (account, other_account):
        [event] = events_of(tenant)
        assert (event.category, event.subcategory, event.action) == (
            "login",
            "login_failed",
            "login",
        )
        assert event.actor_email == "Grace@Northwind.test"
        assert event.metadata == {"attempted_email": "Grace@Northwind.test"}
        assert event.actor_user_id == member.pk
        assert event.ip_address == "81.2.69.142"
        assert event.browser == "Firefox 125"


def test_a_failed_sign_in_for_an_unknown_email_records_nothing(account, member):
    response = sign_in(Client(), "nobody@nowhere.test", "whatever", REMOTE_ADDR="81.2.69.142")

    assert response.status_code == 200
    assert events_of(account) == []


def test_sign_out_is_recorded(account, member):
    client = Client()
    assert sign_in(client, member.email, REMOTE_ADDR="81.2.69.142").status_code == 302

    response = client.post("/logout/", REMOTE_ADDR="89.160.20.112", HTTP_USER_AGENT=FIREFOX_MAC)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    events = events_of(account)
    assert [(e.subcategory, e.action) for e in events] == [
        ("login_succeeded", "login"),
        ("logout", "logout"),
    ]
    assert events[1].actor_user_id == member.pk
    assert (events[1].ip_address, events[1].country_code) == ("89.160.20.112", "SE")


def test_a_programmatic_sign_in_without_a_host_is_still_recorded(account, member):
    """The test client's force_login hands the receivers a bare request: no host, no address."""
    Client().force_login(member)

    [event] = events_of(account)
    assert event.subcategory == "login_succeeded"
    assert (event.url, event.ip_address) == ("", None)


def test_signing_in_with_no_account_records_nothing_and_lands_on_home(member):
    with scopes_disabled():
        Membership.objects.filter(user=member).delete()
    client = Client()

    response = sign_in(client, member.email, REMOTE_ADDR="81.2.69.142", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    with scopes_disabled():
        assert not Event.objects.exists()
