"""The product's routes as the URL resolver knows them, and URLs built from them with real ids.

The tenancy sweep (test_url_sweep.py) and the role matrix (test_role_matrix.py) both discover
routes here, so a route added anywhere in config.urls reaches both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

ACCOUNT_KWARG = "account_id"
POSITIONAL = "<positional group>"


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced, e.g. "console:events"
    text: str  # the joined route, for messages
    kwargs: frozenset[str]
    chain: tuple  # the patterns from the root, to fill an unnamed route

    @property
    def object_kwargs(self) -> list[str]:
        """The route's ids other than the account's, in a stable order."""
        return sorted(self.kwargs - {ACCOUNT_KWARG})


def _kwargs_of(pattern) -> frozenset[str]:
    if isinstance(pattern, RoutePattern):
        return frozenset(pattern.converters)
    if isinstance(pattern, RegexPattern):
        names = frozenset(pattern.regex.groupindex)
        # An unnamed group is a positional argument the sweep cannot name.
        return names | {POSITIONAL} if pattern.regex.groups > len(names) else names
    return frozenset()


def walk(
    resolver: URLResolver,
    text: str = "",
    namespaces: tuple[str, ...] = (),
    kwargs: frozenset[str] = frozenset(),
    chain: tuple = (),
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        own_text = text + str(entry.pattern)
        own_kwargs = kwargs | _kwargs_of(entry.pattern)
        own_chain = (*chain, entry.pattern)
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry, own_text, spaces, own_kwargs, own_chain)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(name=name, text=own_text, kwargs=own_kwargs, chain=own_chain)


def product_routes() -> list[Route]:
    """Every route of config.urls, through every include."""
    return list(walk(get_resolver()))


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def fill(route: Route, values: Mapping[str, object]) -> str:
    """The route's URL with each keyword taken from `values` (NoReverseMatch when it cannot)."""
    parts = []
    for pattern in route.chain:
        if isinstance(pattern, RoutePattern):
            parts.append(_PARAMETER.sub(lambda m: str(values[m["parameter"]]), str(pattern)))
        elif isinstance(pattern, LocalePrefixPattern):
            parts.append(pattern.language_prefix)
        elif route.name:  # a regex somewhere on the way: let Django build it
            return reverse(route.name, kwargs={k: values[k] for k in route.kwargs})
        else:
            raise NoReverseMatch(f"unnamed regex route {route.text!r}: give it a name")
    return "/" + "".join(parts)
