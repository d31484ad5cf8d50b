"""Two-factor helpers for tests: a person with an authenticator set up, and its codes."""

from __future__ import annotations

from binascii import unhexlify
from dataclasses import dataclass

from django_otp.oath import TOTP

from accounts.models import User
from administration.security import totp_key_new, two_factor_enable


def code_of(key: str, *, ahead: int = 0) -> str:
    """The code the app of `key` shows now (`ahead` steps later: the next, unused one)."""
    return f"{TOTP(unhexlify(key), drift=ahead).token():06d}"


@dataclass(frozen=True)
class Enrolled:
    key: str
    backup_codes: list[str]

    def next_code(self) -> str:
        """A code not used yet: the enrolment spent the current one."""
        return code_of(self.key, ahead=1)


def enrol(user: User) -> Enrolled:
    """Turn on two-factor authentication for the person, as the enrolment page does."""
    key = totp_key_new()
    codes = two_factor_enable(user=user, key=key, code=code_of(key))
    return Enrolled(key=key, backup_codes=codes)


def wrong_code(key: str) -> str:
    """Six digits the app of `key` shows at no step near now."""
    near = {code_of(key, ahead=step) for step in range(-2, 3)}
    return next(
        code
        for code in ("000000", "111111", "222222", "333333", "444444", "555555")
        if code not in near
    )
