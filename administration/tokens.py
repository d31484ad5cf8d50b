"""The signed token of an invitation link: which invitation, of which account, with which nonce.

Signed with the deployment's secret (django.core.signing), so nobody can make one for an
invitation they were not sent; the nonce is rotated by a resend, so an older link stops working.
The token itself holds no secret of its own and can be rebuilt from the row whenever the email is
sent again."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "administration.invitation"


@dataclass(frozen=True)
class InvitationKey:
    account_id: int
    invitation_id: int
    nonce: str


def invitation_token(*, account_id: int, invitation_id: int, nonce: str) -> str:
    """The token of an invitation's link."""
    return signing.dumps({"a": account_id, "i": invitation_id, "n": nonce}, salt=SALT)


def invitation_key(token: str) -> InvitationKey | None:
    """What a link's token names, or None when it was not signed here or is malformed."""
    try:
        data = signing.loads(token, salt=SALT)
        return InvitationKey(
            account_id=int(data["a"]), invitation_id=int(data["i"]), nonce=str(data["n"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
