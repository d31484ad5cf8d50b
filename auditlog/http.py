"""The log's request helpers: where a request came from, as its audit event records it.

The client address is `REMOTE_ADDR`. `X-Forwarded-For` is anyone's to write, so it counts only
when the request arrived through a proxy that `TRUSTED_PROXIES` names, and then only the part of
it those proxies wrote: read from the right, past the trusted proxies, the first other address is
the client (the right-most untrusted address). Whatever is not an address is never recorded.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.entitlements import entitlements_for
from auditlog.selectors import event_get

if TYPE_CHECKING:
    from accounts.http import AccountRequest
    from auditlog.models import Event

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class RequestContext:
    """Where an action came from, for its audit event."""

    ip: str | None = None
    user_agent: str = ""
    url: str = ""


def request_context(request: HttpRequest | None) -> RequestContext:
    """The client address, user agent and path of a request; nothing for no request."""
    if request is None:
        return RequestContext()
    return RequestContext(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        url=request.get_full_path(),
    )


def event_or_404(request: AccountRequest, event_id: int) -> Event:
    """One event the account's tier shows; any other id, another account's too, is a 404."""
    event = event_get(
        account=request.account,
        entitlements=entitlements_for(account=request.account),
        event_id=event_id,
    )
    if event is None:
        raise Http404(_("This event does not exist."))
    return event


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: `REMOTE_ADDR`, or behind trusted proxies the right-most address of
    `X-Forwarded-For` that is not one of them; None when no valid address is known."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if peer is None or not _is_trusted(peer, trusted):
        return str(peer) if peer is not None else None
    nearest = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:
            continue
        if not _is_trusted(hop, trusted):
            return str(hop)
        nearest = hop
    # Only trusted proxies in the chain: the request began at the furthest of them.
    return str(nearest)


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: Iterable[Network]) -> bool:
    # `in` compares the bits only: an IPv4 address would match an IPv6 network such as ::/0.
    return any(address.version == network.version and address in network for network in trusted)


@functools.lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # Keyed on the setting's value, so a changed setting (in tests) is read afresh.
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
