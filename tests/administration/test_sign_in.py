"""Signing in with a second factor, and the lockout after repeated failures (SPEC S9)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.administration.two_factor import code_of, enrol, wrong_code
from tests.factories import PASSWORD
from tests.utils import events_of

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"
CODE_STEP = "/login/two-factor/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_step(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        "/login/", {"username": email, "password": password, **extra}, REMOTE_ADDR=IP
    )


def code_step(client: Client, code: str):
    return client.post(CODE_STEP, {"code": code}, REMOTE_ADDR=IP)


def test_the_password_alone_does_not_sign_in_a_person_with_two_factor(account, member):
    enrol(member)
    client = Client()

    response = password_step(client, member.email)

    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert "_auth_user_id" not in client.session
    assert events_of(account, category="login") == []
    page = client.get(CODE_STEP)
    assert page.status_code == 200 and member.email in page.content.decode()
    assert client.get(f"/a/{account.pk}/audit-logs/").status_code == 302  # still signed out


def test_the_code_signs_in_and_only_then_is_the_sign_in_recorded(account, member):
    enrolled = enrol(member)
    client = Client()
    password_step(client, member.email, next=f"/a/{account.pk}/crm/")

    response = code_step(client, enrolled.next_code())

    assert response.status_code == 302 and response["Location"] == f"/a/{account.pk}/crm/"
    assert client.session["_auth_user_id"] == str(member.pk)
    (event,) = events_of(account, category="login")
    assert (event.subcategory, event.ip_address) == ("login_succeeded", IP)
    assert event.metadata == {"two_factor": "authenticator_app"}
    assert client.get(CODE_STEP).status_code == 302  # signed in: nothing left to ask


def test_a_wrong_code_asks_again_and_is_a_failed_login(account, member):
    enrolled = enrol(member)
    client = Client()
    password_step(client, member.email)

    response = code_step(client, wrong_code(enrolled.key))

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    (event,) = events_of(account, category="login")
    assert event.subcategory == "login_failed"
    assert event.metadata["reason"] == "wrong code"


def test_a_replayed_code_is_refused(account, member):
    enrolled = enrol(member)
    code = enrolled.next_code()
    first = Client()
    password_step(first, member.email)
    assert code_step(first, code).status_code == 302

    second = Client()
    password_step(second, member.email)
    response = code_step(second, code)

    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert [e.metadata.get("reason") for e in events_of(account, subcategory="login_failed")] == [
        "code already used"
    ]


def test_the_code_the_enrolment_used_does_not_sign_in(account, member):
    enrolled = enrol(member)
    client = Client()
    password_step(client, member.email)

    assert code_step(client, code_of(enrolled.key)).status_code == 400


def test_a_backup_code_signs_in_once(account, member):
    enrolled = enrol(member)
    code = enrolled.backup_codes[0]
    first = Client()
    password_step(first, member.email)
    assert code_step(first, code).status_code == 302

    second = Client()
    password_step(second, member.email)
    response = code_step(second, code)

    assert response.status_code == 400
    assert "backup code" in response.content.decode()
    (failed,) = events_of(account, subcategory="login_failed")
    assert failed.metadata["two_factor"] == "backup_code"


def test_the_code_step_without_a_password_goes_back_to_sign_in():
    response = Client().post(CODE_STEP, {"code": "123456"})

    assert response.status_code == 302 and response["Location"] == "/login/"


def test_a_waiting_sign_in_expires(account, member, settings):
    enrolled = enrol(member)
    client = Client()
    password_step(client, member.email)

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=601)):
        response = code_step(client, enrolled.next_code())

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_person_without_two_factor_signs_in_with_the_password(account, member):
    client = Client()

    assert password_step(client, member.email).status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_repeated_wrong_passwords_lock_the_email_out_from_that_address(account, member, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_step(client, member.email, "wrong").status_code == 200

    locked = password_step(client, member.email.upper(), "wrong")  # the same email, any case
    right = password_step(client, member.email)  # even the right password, while locked

    for response in (locked, right):
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session
    reasons = [e.metadata.get("reason") for e in events_of(account, subcategory="login_failed")]
    assert reasons == [None] * (settings.AXES_FAILURE_LIMIT - 1) + ["locked out", "locked out"]
    # From another address the same email still signs in.
    other = Client()
    response = other.post(
        "/login/", {"username": member.email, "password": PASSWORD}, REMOTE_ADDR="89.160.20.112"
    )
    assert response.status_code == 302


def test_the_lockout_ends_after_its_wait(account, member, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, member.email, "wrong")
    assert password_step(client, member.email).status_code == 429

    later = timezone.now() + settings.AXES_COOLOFF_TIME + timezone.timedelta(seconds=1)
    with time_machine.travel(later):
        assert password_step(client, member.email).status_code == 302


def test_wrong_codes_count_towards_the_lockout(account, member, settings):
    enrolled = enrol(member)
    client = Client()
    password_step(client, member.email)
    wrong = wrong_code(enrolled.key)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert code_step(client, wrong).status_code == 400

    response = code_step(client, wrong)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # The password comes first again, and is refused while the lockout lasts.
    assert code_step(client, enrolled.next_code()).status_code == 302
    assert password_step(client, member.email).status_code == 429
    reasons = [e.metadata.get("reason") for e in events_of(account, subcategory="login_failed")]
    assert reasons[-2:] == ["locked out", "locked out"]
    assert events_of(account, subcategory="login_succeeded") == []


def test_a_right_sign_in_clears_the_failures(account, member, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, member.email, "wrong")
    assert password_step(client, member.email).status_code == 302
    client.post("/logout/")

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_step(client, member.email, "wrong").status_code == 200


def test_the_lockout_page_is_translated(account, member, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = password_step(client, member.email, "wrong")

    assert response.status_code == 429
    assert 'lang="nl"' in response.content.decode()
