"""Two-factor authentication and the account's sign-in rules: the services and their events."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import RequestFactory
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.errors import DomainError, Refused
from accounts.models import Account, Membership, Role
from accounts.selectors import account_security_of
from administration import security
from administration.security import (
    backup_codes_left,
    members_without_two_factor,
    session_timeout_update,
    totp_key_new,
    two_factor_disable,
    two_factor_enable,
    two_factor_enabled,
    two_factor_requirement_update,
    two_factor_requiring_accounts,
)
from tests.administration.two_factor import code_of, enrol, wrong_code
from tests.factories import AccountFactory, MembershipFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"


def membership(account: Account, user) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("user").get(account=account, user=user)


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """Codes in a row without django-otp's back-off (one test turns it back on)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_enabling_needs_a_code_of_the_new_app_and_is_an_event_in_each_account(
    account, other_account, member
):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=member)
        former = AccountFactory(name="Former Test")
        MembershipFactory(account=former, user=member, is_active=False)
    key = totp_key_new()

    with pytest.raises(DomainError):
        two_factor_enable(user=member, key=key, code=wrong_code(key))
    assert not two_factor_enabled(user=member)
    assert events_of(account) == []

    codes = two_factor_enable(user=member, key=key, code=code_of(key), ip=IP, url="/enrol/")

    assert two_factor_enabled(user=member)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert backup_codes_left(user=member) == 10
    for tenant in (account, other_account):
        (event,) = events_of(tenant)
        assert (event.category, event.subcategory, event.action) == (
            "security_activity",
            "two_factor",
            "enable",
        )
        assert (event.object_type, event.object_id) == ("user", str(member.pk))
        assert event.metadata == {"method": "authenticator_app"}
        assert event.ip_address == IP
    assert events_of(former) == []


def test_backup_codes_are_stored_hashed(member):
    enrolled = enrol(member)

    stored = set(StaticToken.objects.values_list("token", flat=True))
    typed = {code.replace("-", "") for code in enrolled.backup_codes}
    assert len(stored) == 10 and not stored & typed
    assert not any(code in token for token in stored for code in typed)


def test_enabling_twice_is_refused(member):
    enrol(member)
    key = totp_key_new()

    with pytest.raises(Refused):
        two_factor_enable(user=member, key=key, code=code_of(key))
    assert TOTPDevice.objects.filter(user=member).count() == 1


def test_a_secret_not_made_here_is_refused(member):
    with pytest.raises(DomainError):
        two_factor_enable(user=member, key="not hex", code="123456")


def test_disabling_needs_a_fresh_code_and_is_an_event(account, member):
    enrolled = enrol(member)

    with pytest.raises(DomainError):
        two_factor_disable(user=member, code=code_of(enrolled.key))  # spent by the enrolment
    assert two_factor_enabled(user=member)

    two_factor_disable(user=member, code=enrolled.next_code(), ip=IP)

    assert not two_factor_enabled(user=member)
    assert backup_codes_left(user=member) == 0
    assert [(e.subcategory, e.action) for e in events_of(account)] == [
        ("two_factor", "enable"),
        ("two_factor", "disable"),
    ]
    assert events_of(account)[-1].metadata == {"method": "authenticator_app"}


def test_a_backup_code_also_turns_it_off(account, member):
    enrolled = enrol(member)

    two_factor_disable(user=member, code=enrolled.backup_codes[0].upper())

    assert not two_factor_enabled(user=member)
    assert events_of(account)[-1].metadata == {"method": "backup_code"}


def test_disabling_when_off_is_refused(member):
    with pytest.raises(Refused):
        two_factor_disable(user=member, code="123456")


def test_a_wrong_code_is_throttled_and_the_throttling_is_kept(settings, member):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    enrolled = enrol(member)
    with pytest.raises(DomainError):
        two_factor_disable(user=member, code=wrong_code(enrolled.key))
    with pytest.raises(DomainError, match="Wait"):
        two_factor_disable(user=member, code=enrolled.next_code())

    assert two_factor_enabled(user=member)
    assert TOTPDevice.objects.get(user=member).throttling_failure_count == 1


def _sign_in(user, code: str):
    request = RequestFactory().post("/login/two-factor/", REMOTE_ADDR=IP)
    request.session = SessionStore()
    request.user = user
    return security.sign_in_finish(
        request=request,
        user=user,
        backend="django.contrib.auth.backends.ModelBackend",
        code=code,
    )


def test_a_code_signs_in_once_and_a_replay_is_a_failed_login(account, member):
    enrolled = enrol(member)
    code = enrolled.next_code()

    assert _sign_in(member, code).accepted
    replay = _sign_in(member, code)

    assert (replay.accepted, replay.reason) == (False, "code already used")
    events = events_of(account, category="login")
    assert [(e.subcategory, e.metadata.get("reason")) for e in events] == [
        ("login_succeeded", None),
        ("login_failed", "code already used"),
    ]
    assert events[0].metadata == {"two_factor": "authenticator_app"}
    assert events[1].metadata == {
        "attempted_email": member.email,
        "two_factor": "authenticator_app",
        "reason": "code already used",
    }


def test_a_wrong_code_is_a_failed_login_with_the_reason(account, member):
    enrolled = enrol(member)

    result = _sign_in(member, wrong_code(enrolled.key))

    assert (result.accepted, result.reason) == (False, "wrong code")
    assert events_of(account, subcategory="login_succeeded") == []
    (failed,) = events_of(account, subcategory="login_failed")
    assert failed.metadata["reason"] == "wrong code"
    assert failed.ip_address == IP


def test_a_backup_code_signs_in_once(account, member):
    enrolled = enrol(member)
    code = enrolled.backup_codes[3]

    assert _sign_in(member, code).accepted
    again = _sign_in(member, code)

    assert (again.accepted, again.method, again.reason) == (False, "backup_code", "wrong code")
    assert backup_codes_left(user=member) == 9
    (failed,) = events_of(account, subcategory="login_failed")
    assert failed.metadata["two_factor"] == "backup_code"


def test_requiring_two_factor_is_for_super_admins_and_one_event(account, super_admin, member):
    with pytest.raises(Refused):
        two_factor_requirement_update(
            account=account, membership=membership(account, member), required=True
        )

    changed = two_factor_requirement_update(
        account=account, membership=membership(account, super_admin), required=True, ip=IP
    )
    unchanged = two_factor_requirement_update(
        account=account, membership=membership(account, super_admin), required=True, ip=IP
    )

    assert (changed, unchanged) == (True, False)
    account.refresh_from_db()
    assert account.two_factor_required
    (event,) = events_of(account)
    assert (event.subcategory, event.action, event.object_type) == (
        "two_factor",
        "update",
        "login_settings",
    )
    assert event.metadata == {
        "before": {"two_factor_required": False},
        "after": {"two_factor_required": True},
    }
    assert two_factor_requiring_accounts(user=member) == [account.name]


def test_a_super_admin_of_another_account_cannot_change_this_one(account, other_account):
    with scopes_disabled():
        stranger = MembershipFactory(account=other_account, role=Role.SUPER_ADMIN)
    with pytest.raises(Refused):
        session_timeout_update(account=account, membership=stranger, minutes=30)


def test_the_session_timeout_is_one_event_with_before_and_after(account, super_admin):
    admin = membership(account, super_admin)

    session_timeout_update(account=account, membership=admin, minutes=60, ip=IP)
    session_timeout_update(account=account, membership=admin, minutes=60, ip=IP)
    session_timeout_update(account=account, membership=admin, minutes=None, ip=IP)

    account.refresh_from_db()
    assert account.session_timeout is None
    first, second = events_of(account)
    assert (first.subcategory, first.action) == ("login_settings", "update")
    assert first.metadata == {
        "before": {"session_timeout": "none"},
        "after": {"session_timeout": "60"},
    }
    assert second.metadata["after"] == {"session_timeout": "none"}


def test_the_cached_rules_follow_a_change(account, super_admin, django_capture_on_commit_callbacks):
    assert account_security_of(account_ids=[account.pk])[account.pk].session_timeout is None

    with django_capture_on_commit_callbacks(execute=True):
        session_timeout_update(
            account=account, membership=membership(account, super_admin), minutes=30
        )

    assert account_security_of(account_ids=[account.pk])[account.pk].session_timeout == 30


def test_members_without_two_factor_are_counted(
    account, super_admin, member, member_without_access
):
    enrol(member)

    assert members_without_two_factor(account=account) == 2
