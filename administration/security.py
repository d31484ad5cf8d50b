"""Two-factor authentication, sign-in with a second factor, password resets and the account's
sign-in rules (SPEC S9).

A person's second factor is theirs, like their password: a TOTP device (the authenticator app)
and a static device holding ten one-time backup codes (django-otp), keyed on the user. Turning it
on or off, and resetting the password, are events in every account the person is an active
member of, like a sign-in. Requiring two-factor authentication and the session timeout belong to
the account: super admins change them, each change one event with before and after.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from base64 import b32encode
from binascii import Error as BinasciiError
from binascii import unhexlify
from dataclasses import dataclass
from functools import partial

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import user_login_failed
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_scopes import scope

from accounts.errors import DomainError, Refused
from accounts.models import Account, Membership, User
from accounts.selectors import (
    AccountSecurity,
    account_menu_of,
    account_security_forget,
    account_security_of,
    memberships_of,
)
from auditlog.services import Actor, EventInput, event_record
from auditlog.signals import LOCKED_OUT, auth_note

logger = logging.getLogger(__name__)

# How a second factor was given, as Login events store it (catalog VALUE_LABELS name them).
AUTHENTICATOR_APP = "authenticator_app"
BACKUP_CODE = "backup_code"
# Why a code was refused, as Login failed events store it.
WRONG_CODE = "wrong code"
CODE_REUSED = "code already used"
TOO_MANY_ATTEMPTS = "too many attempts"

BACKUP_CODE_COUNT = 10
# Ten characters of 31 (no i, l, o, 0 or 1 to misread): about 50 bits each.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10
_BACKUP_SALT = "administration.security.backup-code"
TOTP_DIGITS = 6
_NOT_CODE = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on a second-factor code: accepted, or refused with the reason."""

    method: str
    reason: str = ""
    wait_seconds: int = 0  # for too many attempts: how long until the next one is heard

    @property
    def accepted(self) -> bool:
        return not self.reason


# Reads and pure helpers -----------------------------------------------------------------------


def two_factor_enabled(*, user: User) -> bool:
    """Whether the person signs in with an authenticator app (read afresh: sign-in relies on it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_requiring_accounts(*, user: User) -> list[str]:
    """The names of the person's accounts that require two-factor authentication."""
    menu = account_menu_of(user=user)
    rules = account_security_of(account_ids=[account_id for account_id, _name in menu])
    unset = AccountSecurity()
    return [name for account_id, name in menu if rules.get(account_id, unset).two_factor_required]


def backup_codes_left(*, user: User) -> int:
    """How many of the person's backup codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def members_without_two_factor(*, account: Account) -> int:
    """How many active members of the account sign in without a second factor."""
    secured = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    with scope(account=account):
        return (
            Membership.objects.filter(account=account, is_active=True)
            .exclude(user_id__in=secured)
            .count()
        )


def totp_key_new() -> str:
    """A new authenticator secret (hex, 20 random bytes), kept in the session until confirmed."""
    return random_hex(20)


def totp_key_valid(key: object) -> bool:
    """Whether a secret read back from the session is one `totp_key_new` made."""
    if not isinstance(key, str) or len(key) != 40:
        return False
    try:
        unhexlify(key)
    except (BinasciiError, ValueError):
        return False
    return True


def totp_secret_text(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_config_url(*, user: User, key: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=key).config_url)


def code_refusal_message(check: CodeCheck) -> str:
    """What the person is told about a refused code."""
    if check.reason == CODE_REUSED:
        return _("That code was already used. Wait for your app to show a new one.")
    if check.reason == TOO_MANY_ATTEMPTS:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)d second and try again.",
            "Too many wrong codes. Wait %(seconds)d seconds and try again.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    if check.method == BACKUP_CODE:
        return _("That backup code is not right, or it was already used.")
    return _("That code is not right. Check your authenticator app and try again.")


def _normalised(code: str) -> str:
    return _NOT_CODE.sub("", code or "").lower()


def _backup_code_new() -> str:
    return "".join(secrets.choice(BACKUP_ALPHABET) for _i in range(BACKUP_CODE_LENGTH))


def _backup_digest(user_id: int, code: str, secret: str | bytes) -> str:
    # Stored in django-otp's 16-character token column: an HMAC under the deployment's secret, so
    # the table alone gives nobody a code.
    value = f"{user_id}:{code}"
    return salted_hmac(_BACKUP_SALT, value, secret=secret, algorithm="sha256").hexdigest()[:16]


def _backup_digests(user_id: int, code: str) -> list[str]:
    # Codes made before a key rotation still work while the old key is a fallback.
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_backup_digest(user_id, code, secret) for secret in secrets_in_use]


def _is_totp(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def _used_before(device: TOTPDevice, code: str) -> bool:
    """A code the app shows now that was refused: one already accepted (a replay)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return bool(totp.verify(int(code), device.tolerance))


def _backup_code_use(device: StaticDevice, user_id: int, code: str) -> bool:
    match = device.token_set.filter(token__in=_backup_digests(user_id, code)).first()
    if match is None:
        device.throttle_increment(commit=True)
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


def _code_check(*, user: User, code: str) -> CodeCheck:
    """Check a code against the person's devices, locked for the caller's transaction: a code
    of the app once (never again, never an older one), or a backup code once; wrong codes slow
    the next attempt down (django-otp's throttling)."""
    code = _normalised(code)
    device: TOTPDevice | StaticDevice | None
    if _is_totp(code):
        method = AUTHENTICATOR_APP
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        method = BACKUP_CODE
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not code:
        return CodeCheck(method, WRONG_CODE)
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        until = (detail or {}).get("locked_until")
        wait = math.ceil((until - timezone.now()).total_seconds()) if until else 1
        return CodeCheck(method, TOO_MANY_ATTEMPTS, max(wait, 1))
    if isinstance(device, TOTPDevice):
        if device.verify_token(code):
            return CodeCheck(method)
        return CodeCheck(method, CODE_REUSED if _used_before(device, code) else WRONG_CODE)
    if _backup_code_use(device, user.pk, code):
        return CodeCheck(method)
    return CodeCheck(method, WRONG_CODE)


def _record_for_each_account(
    user: User,
    *,
    subcategory: str,
    action: str,
    ip: str | None,
    user_agent: str,
    url: str,
    metadata: dict[str, object] | None = None,
) -> None:
    # The person's own security (password, second factor) shows in each account's log.
    for membership in memberships_of(user=user):
        event_record(
            account=membership.account,
            entry=EventInput.of_own_change(
                user=user,
                category="security_activity",
                subcategory=subcategory,
                action=action,
                metadata=metadata or {},
                ip=ip,
                user_agent=user_agent,
                url=url,
            ),
        )


# The person's two-factor authentication ------------------------------------------------------


def two_factor_enable(
    *,
    user: User,
    key: str,
    code: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> list[str]:
    """Turn on two-factor sign-in once a code from the new authenticator proves it is set up;
    gives ten one-time backup codes (stored only hashed) and is an Enable event in each of the
    person's accounts."""
    if not totp_key_valid(key):
        raise DomainError(_("The set-up expired. Scan the new QR code and enter its code."))
    code = _normalised(code)
    totp = TOTP(unhexlify(key), digits=TOTP_DIGITS)
    totp.time = time.time()
    if not _is_totp(code) or not totp.verify(int(code), tolerance=1):
        raise DomainError(_("That code is not right. Enter the 6-digit code your app shows now."))
    with transaction.atomic():
        # One enrolment at a time per person (two tabs, a double submit).
        User.objects.select_for_update().filter(pk=user.pk).first()
        if two_factor_enabled(user=user):
            raise Refused(_("Two-factor authentication is already on."))
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        # The code that confirmed the app is spent: it cannot also sign in.
        TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t()
        )
        codes = [_backup_code_new() for _i in range(BACKUP_CODE_COUNT)]
        backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=backup, token=_backup_digest(user.pk, c, settings.SECRET_KEY))
            for c in codes
        )
        _record_for_each_account(
            user,
            subcategory="two_factor",
            action="enable",
            ip=ip,
            user_agent=user_agent,
            url=url,
            metadata={"method": AUTHENTICATOR_APP},
        )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def two_factor_disable(
    *,
    user: User,
    code: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    """Turn off two-factor sign-in with a fresh code from the app or an unused backup code; a
    Disable event in each of the person's accounts. A wrong code changes nothing but the
    throttling of the next one."""
    with transaction.atomic():
        if not two_factor_enabled(user=user):
            raise Refused(_("Two-factor authentication is not on."))
        check = _code_check(user=user, code=code)
        if check.accepted:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            _record_for_each_account(
                user,
                subcategory="two_factor",
                action="disable",
                ip=ip,
                user_agent=user_agent,
                url=url,
                metadata={"method": check.method},
            )
    # Raised after the transaction, so the throttling of the wrong code is kept.
    if not check.accepted:
        raise DomainError(code_refusal_message(check))


def sign_in_finish(*, request: HttpRequest, user: User, backend: str, code: str) -> CodeCheck:
    """Finish a sign-in whose password was right with the person's second factor: an accepted
    code signs them in (Login succeeded); a wrong, replayed or throttled code, or one while the
    email and address are locked out, is a Login failed event with the reason and counts
    towards the lockout."""
    credentials = {"username": user.email}
    with transaction.atomic():
        if not AxesProxyHandler.is_allowed(request, credentials):
            # django-axes' own flag: its middleware answers with the lockout page, and the
            # Login failed event names the lockout as the reason.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            method = AUTHENTICATOR_APP if _is_totp(_normalised(code)) else BACKUP_CODE
            check = CodeCheck(method, LOCKED_OUT)
        else:
            check = _code_check(user=user, code=code)
        if check.accepted:
            auth_note(request, two_factor=check.method)
            auth_login(request, user, backend=backend)
        else:
            auth_note(request, two_factor=check.method, reason=check.reason)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return check


# Password resets -------------------------------------------------------------------------------


def _send_quietly(message: EmailMessage, user_id: int) -> None:
    try:
        message.send()
    except Exception:  # the email service's errors are many; the person can ask again
        logger.exception("password reset email to user %s not sent", user_id)


def password_reset_send(
    *,
    user: User,
    message: EmailMessage,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    """Send a person the link to choose a new password (after commit); a Password reset / Send
    event in each of their accounts, from the address that asked."""
    with transaction.atomic():
        _record_for_each_account(
            user,
            subcategory="password_reset",
            action="send",
            ip=ip,
            user_agent=user_agent,
            url=url,
            metadata={"recipient": user.email},
        )
        transaction.on_commit(partial(_send_quietly, message, user.pk))


def password_reset_finish(
    *,
    user: User,
    password: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> User:
    """Set the password chosen through a reset link (other sessions end with the old one); a
    Password reset / Update event in each of the person's accounts, and the lockout of their
    email is lifted."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _record_for_each_account(
            user,
            subcategory="password_reset",
            action="update",
            ip=ip,
            user_agent=user_agent,
            url=url,
        )
        AxesProxyHandler.reset_attempts(username=user.email.lower())
    return user


# The account's sign-in rules -------------------------------------------------------------------


def _login_settings_record(
    *,
    account: Account,
    membership: Membership,
    subcategory: str,
    before: dict[str, object],
    after: dict[str, object],
    ip: str | None,
    user_agent: str,
    url: str,
) -> None:
    event_record(
        account=account,
        entry=EventInput(
            category="security_activity",
            subcategory=subcategory,
            action="update",
            actor=Actor.of_user(membership.user),
            object_type="login_settings",
            object_id=str(account.pk),
            object_label=account.name,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata={"before": before, "after": after},
        ),
    )


def _rules_forget(account: Account) -> None:
    # Now, for what this transaction reads next, and after commit, for a reader that cached
    # the old rules in between.
    account_security_forget(account_id=account.pk)
    transaction.on_commit(partial(account_security_forget, account_id=account.pk))


def _super_admin_only(membership: Membership, account: Account) -> None:
    if membership.account_id != account.pk or not membership.is_super_admin:
        raise Refused(_("Only super admins can change security settings."))


def two_factor_requirement_update(
    *,
    account: Account,
    membership: Membership,
    required: bool,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> bool:
    """A super admin requires two-factor authentication of everyone in the account (or stops);
    members without it are led to set it up at their next page. A change is one Two-factor
    authentication / Update event with before and after; no change records nothing."""
    _super_admin_only(membership, account)
    with transaction.atomic():
        stored = Account.objects.select_for_update().only("two_factor_required").get(pk=account.pk)
        account.two_factor_required = required
        if stored.two_factor_required == required:
            return False
        Account.objects.filter(pk=account.pk).update(two_factor_required=required)
        _login_settings_record(
            account=account,
            membership=membership,
            subcategory="two_factor",
            before={"two_factor_required": stored.two_factor_required},
            after={"two_factor_required": required},
            ip=ip,
            user_agent=user_agent,
            url=url,
        )
        _rules_forget(account)
    return True


def _timeout_code(minutes: int | None) -> str:
    return str(minutes) if minutes else "none"


def session_timeout_update(
    *,
    account: Account,
    membership: Membership,
    minutes: int | None,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> bool:
    """A super admin sets how long a session may sit idle on the account's pages (None: no
    limit of the account's own); a change is one Login settings / Update event with before and
    after; no change records nothing."""
    _super_admin_only(membership, account)
    with transaction.atomic():
        stored = Account.objects.select_for_update().only("session_timeout").get(pk=account.pk)
        account.session_timeout = minutes
        if stored.session_timeout == minutes:
            return False
        Account.objects.filter(pk=account.pk).update(session_timeout=minutes)
        _login_settings_record(
            account=account,
            membership=membership,
            subcategory="login_settings",
            before={"session_timeout": _timeout_code(stored.session_timeout)},
            after={"session_timeout": _timeout_code(minutes)},
            ip=ip,
            user_agent=user_agent,
            url=url,
        )
        _rules_forget(account)
    return True
