"""Password resets by email (Django's flow with the product's pages and emails), each recorded."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from accounts.models import User
from tests.factories import PASSWORD, MembershipFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"
NEW_PASSWORD = "a-much-longer-passphrase-7"


def ask(client: Client, email: str, captured):
    with captured(execute=True):
        return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=IP)


def link_in(message) -> str:
    (path,) = re.findall(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body)
    return path


def test_asking_sends_the_link_after_commit_and_records_it(
    account, other_account, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://console.example.test"
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member)

    response = ask(Client(), "Grace@Northwind.test", django_capture_on_commit_callbacks)

    assert (response.status_code, response["Location"]) == (302, "/password-reset/done/")
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Auditdesk" in message.subject
    assert "https://console.example.test/password-reset/" in message.body
    for tenant in (account, other_account):
        (event,) = events_of(tenant)
        assert (event.category, event.subcategory, event.action) == (
            "security_activity",
            "password_reset",
            "send",
        )
        assert (event.actor_user_id, event.object_id) == (member.pk, str(member.pk))
        assert event.metadata == {"recipient": member.email}
        assert event.ip_address == IP


def test_an_unknown_email_gets_the_same_answer_and_nothing_is_sent(
    account, django_capture_on_commit_callbacks
):
    response = ask(Client(), "nobody@nowhere.test", django_capture_on_commit_callbacks)

    assert (response.status_code, response["Location"]) == (302, "/password-reset/done/")
    assert mail.outbox == []
    assert events_of(account) == []


def test_the_email_is_in_the_persons_language(member, django_capture_on_commit_callbacks):
    User.objects.filter(pk=member.pk).update(language="nl")

    ask(Client(), member.email, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "/password-reset/" in message.body


def test_the_link_sets_a_new_password_once_and_records_it(
    account, member, django_capture_on_commit_callbacks
):
    ask(Client(), member.email, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client = Client()

    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    form_url = form.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=IP,
    )

    assert (done.status_code, done["Location"]) == (302, "/password-reset/complete/")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    sent, changed = events_of(account)
    assert (sent.action, changed.action) == ("send", "update")
    assert (changed.subcategory, changed.actor_user_id, changed.ip_address) == (
        "password_reset",
        member.pk,
        IP,
    )
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_new_password_lifts_the_lockout(
    account, member, settings, django_capture_on_commit_callbacks
):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": member.email, "password": "wrong"}, REMOTE_ADDR=IP)
    locked = client.post(
        "/login/", {"username": member.email, "password": PASSWORD}, REMOTE_ADDR=IP
    )
    assert locked.status_code == 429

    ask(Client(), member.email, django_capture_on_commit_callbacks)
    reset = Client()
    form_url = reset.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    reset.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(
        "/login/", {"username": member.email, "password": NEW_PASSWORD}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302


def test_a_forged_link_is_refused(member):
    page = Client().get("/password-reset/MQ/abc-123/").content.decode()

    assert "This link no longer works" in page


def test_the_sign_in_page_offers_the_reset():
    assert 'href="/password-reset/"' in Client().get("/login/").content.decode()
