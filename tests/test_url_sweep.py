"""Every account URL, requested by a member of another account, answers 404 (house style §5.7).

The sweep walks config.urls through every include. Each URL keyword is filled from KWARG_VALUES
with a real object of the *other* account, so a view that forgot its tenant filter would find
it. A new route with a keyword the map does not know fails the sweep: add the keyword (and an
object of `other_account` for it) below, so the new route is covered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from accounts.models import Account, Role, User
from auditlog.models import Event
from console.models import Sharing
from tests.factories import (
    NotificationFactory,
    RecordFactory,
    SavedViewFactory,
    TeamFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

ACCOUNT_KWARG = "account_id"
POSITIONAL = "<positional group>"
SECRET = "Not for outsiders"


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced, e.g. "console:events"
    text: str  # the joined route, for messages
    kwargs: frozenset[str]
    chain: tuple  # the patterns from the root, to fill an unnamed route


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


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _fill(route: Route, values: Mapping[str, object]) -> str:
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


def plan(
    routes: list[Route], values: dict[str, object]
) -> tuple[list[tuple[Route, str]], list[str]]:
    """The account URLs to visit, and the routes the sweep cannot cover (each a failure)."""
    urls, problems = [], []
    for route in routes:
        account_like = {k for k in route.kwargs if "account" in k and k != ACCOUNT_KWARG}
        if account_like:
            problems.append(
                f"{route.text}: {sorted(account_like)} — account routes take `account_id`, "
                "which the tenancy middleware checks"
            )
            continue
        if ACCOUNT_KWARG not in route.kwargs:
            continue
        unknown = sorted(route.kwargs - set(values))
        if unknown:
            problems.append(
                f"{route.text}: no sweep value for {unknown}; add it to KWARG_VALUES "
                "(an object of the other account)"
            )
            continue
        try:
            urls.append((route, _fill(route, values)))
        except NoReverseMatch as exc:
            problems.append(f"{route.text}: cannot build a URL ({exc})")
    return urls, problems


@dataclass(frozen=True)
class Target:
    """The account the requester is a stranger to, with its owner and one event."""

    account: Account
    owner: User
    event: Event


def _comment_id(target: Target) -> int:
    comment_model = apps.get_model("console", "Comment")
    return comment_model.objects.create(
        account=target.account, event_id=target.event.id, author=target.owner, body=SECRET
    ).id


def _export_job_id(target: Target) -> int:
    job_model = apps.get_model("exports", "ExportJob")
    return job_model.objects.create(account=target.account, requester=target.owner).id


# keyword → how to make a real object of the target account and give its URL value.
KWARG_VALUES: dict[str, Callable[[Target], object]] = {
    ACCOUNT_KWARG: lambda t: t.account.pk,
    "event_id": lambda t: t.event.id,
    "user_id": lambda t: t.owner.pk,
    "team_id": lambda t: TeamFactory(account=t.account).id,
    "record_id": lambda t: RecordFactory(account=t.account, label=SECRET).id,
    "view_id": lambda t: (
        SavedViewFactory(account=t.account, owner=t.owner, name=SECRET, sharing=Sharing.EVERYONE).id
    ),
    "notification_id": lambda t: (
        NotificationFactory(account=t.account, recipient=t.owner, title=SECRET).id
    ),
    "comment_id": _comment_id,
    "job_id": _export_job_id,
}


class LazyValues(Mapping):
    """KWARG_VALUES for one target, each made only when a route needs it."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.made: dict[str, object] = {}

    def __getitem__(self, key: str) -> object:
        if key not in self.made:
            self.made[key] = KWARG_VALUES[key](self.target)
        return self.made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(KWARG_VALUES)

    def __len__(self) -> int:
        return len(KWARG_VALUES)


@pytest.fixture
def target(other_account: Account, record_event) -> Target:
    owner = member_of(other_account, role=Role.SUPER_ADMIN)
    event = record_event(other_account, actor=owner, object_label=SECRET)
    return Target(account=other_account, owner=owner, event=event)


def test_every_account_url_answers_404_to_a_member_of_another_account(
    client_for, super_admin: User, target: Target
):
    urls, problems = plan(list(walk(get_resolver())), LazyValues(target))

    assert not problems, "account routes the sweep cannot cover:\n" + "\n".join(problems)
    assert "console:events" in {route.name for route, _ in urls}, "the sweep found no routes"

    client = client_for(super_admin)  # super admin of `account`, a stranger to the target
    wrong = []
    for route, url in urls:
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code != 404 or SECRET.encode() in response.content:
                wrong.append(
                    f"{method.__name__.upper()} {url} ({route.name}): {response.status_code}"
                )
    assert not wrong, "account URLs that answer a non-member:\n" + "\n".join(wrong)


def _view(request, **kwargs) -> HttpResponse:
    return HttpResponse()


def test_the_sweep_fails_on_a_route_it_cannot_fill():
    from django.urls import include

    nested = ([path("<int:widget_id>/", _view, name="widget")], "widgets")
    resolver = URLResolver(
        RegexPattern(r"^/"),
        [
            path("a/<int:account_id>/audit-logs/", _view, name="events"),
            path("a/<int:account_id>/widgets/", include(nested)),
            path("x/<int:account_pk>/", _view, name="sneaky"),
            path("healthz", _view, name="healthz"),
        ],
    )

    urls, problems = plan(list(walk(resolver)), {ACCOUNT_KWARG: 7})

    assert [url for _, url in urls] == ["/a/7/audit-logs/"]
    assert len(problems) == 2
    assert (
        "widget_id" in problems[0] and "a/<int:account_id>/widgets/<int:widget_id>/" in problems[0]
    )
    assert "account_pk" in problems[1]
