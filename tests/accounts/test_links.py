"""Which links the console follows (back, next, redirects) and which it renders (Show more info)."""

from __future__ import annotations

import pytest

from accounts.links import is_local_path, local_path, referer_path, web_link

PATHS = [
    "/",
    "/a/1/audit-logs/",
    "/a/1/audit-logs/?view=all&category=login&actor=u3&actor=t4&date=7d",
    "/a/1/crm/records/7/#timeline",
    "/a/1/audit-logs/?q=a%20b",
    "/a/1/x//y",
]

# Each of these is, or turns into, another site or a script in some browser or proxy.
NOT_PATHS = [
    "",
    None,
    "//evil.example",
    "//evil.example/a/1/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/a/1/\\..\\",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%255Cevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/a/1/\x00",
    "/a/1/\x7f",
    "/a/1/\x85",
    "/%09/evil.example",
    "/a/1/?next=%0d%0aSet-Cookie:x",
    " /a/1/",
    "\t//evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,x",
    "https://evil.example",
    "http://evil.example/a/1/",
    "HTTPS://evil.example",
    "evil.example",
    "a/1/audit-logs/",
    "?view=all",
    "#top",
]


@pytest.mark.parametrize("url", PATHS)
def test_a_path_on_this_site_is_kept_as_it_is(url):
    assert local_path(url) == url
    assert is_local_path(url)


@pytest.mark.parametrize("url", NOT_PATHS)
def test_anything_else_is_no_path_on_this_site(url):
    assert local_path(url) is None
    assert not is_local_path(url)


@pytest.mark.parametrize(
    "url",
    [
        *PATHS,
        "https://app.example/contacts/1",
        "http://app.example:8080/contacts/1?tab=2#x",
        "HTTPS://app.example/",
    ],
)
def test_show_more_info_links_to_web_pages_and_paths_here(url):
    assert web_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "javascript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "ftp://files.example/",
        "mailto:someone@example.com",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "https:evil.example",
        "https:///evil.example",
        "https://app.example\\@evil.example/",
        "https://app.example/\n",
        "https://app.example:port/",
        "https://[::1/",
    ],
)
def test_show_more_info_renders_no_other_scheme_and_no_disguised_host(url):
    assert web_link(url) is None


def test_a_referer_from_this_host_gives_its_path():
    referer = "https://console.example/a/1/audit-logs/?view=all"
    assert referer_path(referer, host="console.example") == "/a/1/audit-logs/?view=all"
    assert referer_path("http://Console.Example:8000/a/1/", host="console.example:8000") == "/a/1/"


@pytest.mark.parametrize(
    "referer",
    [
        "",
        None,
        "https://evil.example/a/1/",
        "https://console.example.evil.example/a/1/",
        "https://console.example@evil.example/a/1/",
        "javascript://console.example/%0aalert(1)",
        "https://console.example//evil.example/",
        "https://console.example/%5Cevil.example",
        "/a/1/",
    ],
)
def test_a_referer_from_anywhere_else_gives_nothing(referer):
    assert referer_path(referer, host="console.example") is None
