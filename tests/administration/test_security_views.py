"""Settings → Security of an account, and the person's two-factor pages."""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import hexlify

import pytest

from tests.administration.two_factor import code_of, enrol, wrong_code
from tests.utils import events_of

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"


def settings_url(account) -> str:
    return f"/a/{account.pk}/settings/security/"


def test_anonymous_is_sent_to_sign_in(client, account):
    response = client.get(settings_url(account))

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_members_and_admins_get_no_access(client_for, account, member):
    response = client_for(member).get(settings_url(account))

    assert response.status_code == 403
    assert "Only super admins can change security settings." in response.content.decode()


def test_another_accounts_page_is_not_found(client_for, other_account, super_admin):
    assert client_for(super_admin).get(settings_url(other_account)).status_code == 404


def test_a_super_admin_requires_two_factor(client_for, account, super_admin):
    client = client_for(super_admin)
    page = client.get(settings_url(account)).content.decode()
    assert "Require two-factor authentication" in page and "Session timeout" in page

    response = client.post(
        settings_url(account), {"section": "two_factor", "required": "on"}, REMOTE_ADDR=IP
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.two_factor_required
    (event,) = events_of(account, subcategory="two_factor")
    assert event.metadata["after"] == {"two_factor_required": True}
    # The super admin has no second factor yet: like everyone, they set it up first.
    assert client.get(settings_url(account))["Location"] == "/security/two-factor/enrol/"


def test_a_super_admin_sets_the_session_timeout(client_for, account, super_admin):
    client = client_for(super_admin)

    response = client.post(settings_url(account), {"section": "login", "session_timeout": "240"})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.session_timeout == 240
    assert client.get(settings_url(account)).status_code == 200


def test_a_timeout_that_is_not_offered_is_refused(client_for, account, super_admin):
    response = client_for(super_admin).post(
        settings_url(account), {"section": "login", "session_timeout": "5"}
    )

    assert response.status_code == 400
    account.refresh_from_db()
    assert account.session_timeout is None
    assert events_of(account, category="security_activity") == []


def test_enrolment_shows_a_qr_code_and_the_secret_and_checks_a_code(client_for, account, member):
    client = client_for(member)

    page = client.get("/security/two-factor/enrol/").content.decode()
    assert "<svg" in page
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page)[1]
    key = hexlify(b32decode(secret.replace(" ", ""))).decode()
    assert key == client.session["two_factor_enrol_key"]

    wrong = client.post("/security/two-factor/enrol/", {"code": wrong_code(key)})
    assert wrong.status_code == 400
    assert events_of(account, category="security_activity") == []

    done = client.post("/security/two-factor/enrol/", {"code": code_of(key)}, REMOTE_ADDR=IP)

    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.content.decode())
    assert len(codes) == 10
    (event,) = events_of(account, category="security_activity")
    assert (event.subcategory, event.action, event.ip_address) == ("two_factor", "enable", IP)
    overview = client.get("/security/two-factor/").content.decode()
    assert "Two-factor authentication is on" in overview and "10 backup codes left" in overview


def test_enrolment_without_a_begun_set_up_is_refused(client_for, member):
    response = client_for(member).post("/security/two-factor/enrol/", {"code": "123456"})

    assert response.status_code == 302 and response["Location"] == "/security/two-factor/enrol/"


def test_turning_off_needs_a_fresh_code(client_for, account, member, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrolled = enrol(member)
    client = client_for(member)

    client.post("/security/two-factor/disable/", {"code": wrong_code(enrolled.key)})
    assert "Two-factor authentication is on" in client.get("/security/two-factor/").content.decode()

    response = client.post("/security/two-factor/disable/", {"code": enrolled.next_code()})

    assert response.status_code == 302
    assert "Two-factor authentication is off" in client.get(response["Location"]).content.decode()
    assert [e.action for e in events_of(account, category="security_activity")] == [
        "enable",
        "disable",
    ]
