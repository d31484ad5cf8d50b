"""Which links the console follows or renders: one rule for "a path on this site", one for
"a web link or a path on this site".

Browsers are lenient where a check is not: they drop tabs and newlines inside a URL, read a
backslash as a slash and `//host` as another site, and some servers decode `%5C` or `%2F` once
more before redirecting. So a path is judged on its text and on its decoded text, and anything
a browser might read differently from how it looks is refused rather than repaired.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import HtmxRequest

# Enough to undo any encoding a person or a proxy applies in practice (`%255C` → `%5C` → `\`).
_DECODE_ROUNDS = 4


def _clean(text: str) -> bool:
    # Control characters (tab, CR, LF, DEL, C1) and backslashes have no place in a link we emit.
    return "\\" not in text and not any(unicodedata.category(c) == "Cc" for c in text)


def _decodings(url: str) -> list[str]:
    forms = [url]
    for _round in range(_DECODE_ROUNDS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    return forms


def _is_site_path(text: str) -> bool:
    return text.startswith("/") and not text.startswith("//") and _clean(text)


def local_path(url: str | None) -> str | None:
    """The URL when it is a path on this site (one leading `/`, no host, no scheme, nothing a
    browser would read as another site, also after percent-decoding); None otherwise."""
    if not url or not all(_is_site_path(form) for form in _decodings(url)):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


def is_local_path(url: str | None) -> bool:
    """Whether the URL is a path on this site (see `local_path`)."""
    return local_path(url) is not None


def web_link(url: str | None) -> str | None:
    """The URL when it is an http(s) address or a path on this site (a "Show more info" link
    from event data); None for any other scheme (`javascript:`, `data:`) or a disguised host."""
    if not url:
        return None
    if url.startswith("/"):
        return local_path(url)
    # Another site is what the link is for, so only its scheme and its host need judging.
    if not _clean(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a malformed port raises)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def referer_path(referer: str | None, *, host: str) -> str | None:
    """The path of a Referer header that names this host (the page a form was sent from),
    judged by the same rule as any other path; None for another site or no header."""
    if not referer:
        return None
    try:
        parts = urlsplit(referer)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() != host.lower():
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return local_path(path)


def redirect_to(request: HtmxRequest, url: str) -> HttpResponse:
    """Send the person to a page of ours: a plain redirect, or for an htmx request (a dialog's
    form) a client redirect, which loads the whole page instead of swapping it into the dialog."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
