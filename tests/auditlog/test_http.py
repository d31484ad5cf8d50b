"""Client addresses (auditlog/http.py): REMOTE_ADDR, or X-Forwarded-For only through the proxies
that TRUSTED_PROXIES names, read from the right; a forged header never reaches an event."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from auditlog.http import RequestContext, client_ip, request_context
from tests.factories import PASSWORD
from tests.utils import events_of

FORGED = "6.6.6.6"


def request(remote: str = "81.2.69.142", forwarded: str | None = None, **meta):
    headers = {"REMOTE_ADDR": remote, **meta}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/a/1/audit-logs/?date=7d", **headers)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("81.2.69.142", forwarded=FORGED)) == "81.2.69.142"
    assert client_ip(request("10.0.0.2", forwarded="89.160.20.112, 10.0.0.1")) == "10.0.0.2"


def test_a_forwarded_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request("81.2.69.142", forwarded=FORGED)) == "81.2.69.142"


def test_through_a_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]

    assert client_ip(request("10.0.0.2", forwarded="89.160.20.112")) == "89.160.20.112"
    # What the client wrote itself stands left of what the proxy appended: never believed.
    assert client_ip(request("10.0.0.2", forwarded=f"{FORGED}, 89.160.20.112")) == "89.160.20.112"


def test_through_several_proxies_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/16", "192.0.2.10"]
    chain = f"{FORGED}, 89.160.20.112, 192.0.2.10, 10.0.3.4"

    assert client_ip(request("10.0.0.2", forwarded=chain)) == "89.160.20.112"


def test_a_trusted_proxy_without_a_forwarded_header_is_itself_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request("10.0.0.2")) == "10.0.0.2"
    # Only proxies in the chain: the request began at the furthest of them.
    assert client_ip(request("10.0.0.2", forwarded="10.9.9.9, 10.0.0.1")) == "10.9.9.9"


@pytest.mark.parametrize(
    "forwarded",
    [
        "not-an-ip, 89.160.20.112",
        "89.160.20.112, ",
        "89.160.20.112,,",
        "89.160.20.112, unknown",
        "89.160.20.112, 999.1.1.1",
        "89.160.20.112, <script>alert(1)</script>",
        "89.160.20.112, 10.0.0.1:8080",
    ],
)
def test_entries_that_are_not_addresses_are_skipped(settings, forwarded):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request("10.0.0.2", forwarded=forwarded)) == "89.160.20.112"


def test_a_chain_of_nothing_but_garbage_leaves_the_proxy_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(request("10.0.0.2", forwarded="unknown, , ☃")) == "10.0.0.2"


def test_an_invalid_remote_address_is_no_address(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(request("")) is None
    assert client_ip(request("garbage", forwarded="89.160.20.112")) is None
    assert client_ip(None) is None


def test_ipv6_proxies_and_clients(settings):
    settings.TRUSTED_PROXIES = ["2001:db8:100::/48", "10.0.0.0/8"]

    chain = f"{FORGED}, 2a02:2770::21a:4aff:fe00:1, 2001:db8:100::12"
    assert client_ip(request("2001:db8:100::1", forwarded=chain)) == "2a02:2770::21a:4aff:fe00:1"
    # Written out in full, the address is recorded in its short form.
    full = "2a02:2770:0000:0000:021a:4aff:fe00:0001"
    assert client_ip(request("10.0.0.2", forwarded=full)) == "2a02:2770::21a:4aff:fe00:1"
    # An IPv4 proxy seen through an IPv6 socket is still that proxy.
    assert client_ip(request("::ffff:10.0.0.2", forwarded="89.160.20.112")) == "89.160.20.112"
    assert client_ip(request("::ffff:81.2.69.142", forwarded=FORGED)) == "81.2.69.142"


def test_an_ipv4_address_never_matches_an_ipv6_network(settings):
    settings.TRUSTED_PROXIES = ["::/0"]

    assert client_ip(request("10.0.0.2", forwarded=FORGED)) == "10.0.0.2"


def test_the_request_context_holds_address_user_agent_and_path(settings):
    settings.TRUSTED_PROXIES = []

    context = request_context(request("81.2.69.142", forwarded=FORGED, HTTP_USER_AGENT="curl/8"))

    assert context == RequestContext(
        ip="81.2.69.142", user_agent="curl/8", url="/a/1/audit-logs/?date=7d"
    )
    assert request_context(None) == RequestContext(ip=None, user_agent="", url="")


@pytest.mark.django_db
def test_a_sign_in_with_a_forged_header_records_the_peer_address(settings, account, member):
    settings.TRUSTED_PROXIES = []

    response = Client().post(
        "/login/",
        {"username": member.email, "password": PASSWORD},
        REMOTE_ADDR="81.2.69.142",
        HTTP_X_FORWARDED_FOR=FORGED,
    )

    assert response.status_code == 302
    [event] = events_of(account)
    assert event.ip_address == "81.2.69.142"
    assert event.country_code == "GB"


@pytest.mark.django_db
def test_opening_the_log_with_a_forged_header_records_the_peer_address(
    settings, account, member, client_for
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = client_for(member)

    # From outside the trusted network, the header is the client's own word: ignored.
    client.get(
        f"/a/{account.pk}/audit-logs/", REMOTE_ADDR="81.2.69.142", HTTP_X_FORWARDED_FOR=FORGED
    )
    # Through the proxy, the address the proxy saw, not what the client sent before it.
    client.get(
        f"/a/{account.pk}/audit-logs/?date=7d",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"{FORGED}, 89.160.20.112",
    )

    viewed = events_of(account, category="audit_logs", subcategory="log_view")
    assert [e.ip_address for e in viewed] == ["81.2.69.142", "89.160.20.112"]
