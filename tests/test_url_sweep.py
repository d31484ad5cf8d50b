"""Another account's URLs and objects answer 404, whoever asks (house style §5.7, ENGINEERING §4).

The sweep walks config.urls through every include and requests each account route, GET and
POST, as a member of their own account: under the other account's prefix (the tenancy
middleware answers), and under their own prefix with the other account's object ids (the view
itself must answer, for a super admin and for a member with audit-log access alike), and with
ids no row has. Each URL keyword is filled from KWARG_VALUES with a real object of the *other*
account, so a view that forgot its tenant filter would find it. A new route with a keyword the
map does not know fails the sweep: add the keyword (and how to make an object for it) below, so
the new route is covered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.urls import NoReverseMatch, URLResolver, path
from django.urls.resolvers import RegexPattern

from accounts.models import Account, Role, User
from auditlog.models import Event
from console.models import Sharing
from tests.factories import (
    InvitationFactory,
    NotificationFactory,
    RecordFactory,
    SavedViewFactory,
    TeamFactory,
    member_of,
)
from tests.routes import ACCOUNT_KWARG, Route, fill, product_routes, walk

pytestmark = pytest.mark.django_db

SECRET = "Not for outsiders"


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
            urls.append((route, fill(route, values)))
        except NoReverseMatch as exc:
            problems.append(f"{route.text}: cannot build a URL ({exc})")
    return urls, problems


@dataclass(frozen=True)
class Target:
    """An account with one person and one event, in which the sweep makes objects for ids."""

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
    "invitation_id": lambda t: InvitationFactory(account=t.account, invited_by=t.owner).id,
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
    urls, problems = plan(product_routes(), LazyValues(target))

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


@pytest.fixture(params=["super_admin", "member"])
def requester(request) -> User:
    """A super admin (every role check passes, so only the id can refuse) and a member with
    audit-log access (a role check must not answer 403 before the id is found absent)."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def own(account: Account, requester: User, record_event) -> Target:
    """The requester's own account, with objects of each kind for the ids not being swapped."""
    return Target(account=account, owner=requester, event=record_event(account, actor=requester))


def foreign_mixes(route: Route) -> list[set[str]]:
    """Which ids of the route are the other account's: each one alone (the rest are the
    requester's own, so a view that checks only its first id is caught), then all of them."""
    ids = route.object_kwargs
    return [{name} for name in ids] + ([set(ids)] if len(ids) > 1 else [])


def not_404(client, url: str, what: str) -> list[str]:
    """Each method the route takes must answer 404, without the other account's data."""
    wrong, accepted = [], 0
    for method in ("GET", "POST"):
        response = getattr(client, method.lower())(url)
        if response.status_code == 405 and method not in response.get("Allow", ""):
            continue  # the route does not take this method at all
        accepted += 1
        if response.status_code != 404 or SECRET.encode() in response.content:
            wrong.append(f"{method} {url} ({what}): {response.status_code}")
    return wrong if accepted else [f"{url} ({what}): answers neither GET nor POST"]


def test_another_accounts_object_under_ones_own_account_answers_404_from_the_view(
    client_for, requester: User, own: Target, target: Target
):
    routes, mine, theirs = product_routes(), LazyValues(own), LazyValues(target)
    _, problems = plan(routes, theirs)
    assert not problems, "account routes the sweep cannot cover:\n" + "\n".join(problems)

    client = client_for(requester)
    visited, wrong = set(), []
    for route in routes:
        if ACCOUNT_KWARG not in route.kwargs:
            continue
        for foreign in foreign_mixes(route):
            values = {ACCOUNT_KWARG: own.account.pk} | {
                name: (theirs if name in foreign else mine)[name] for name in route.object_kwargs
            }
            what = f"{route.name}, other account's {sorted(foreign)}"
            wrong += not_404(client, fill(route, values), what)
            visited.add(route.name)

    assert {"console:comment_edit", "crm:restore", "exports:download", "notifications:read"} <= (
        visited
    ), "the sweep found no routes with object ids"
    assert not wrong, "views that do not answer 404 to another account's object:\n" + "\n".join(
        wrong
    )


# An id no row has: one inside PostgreSQL's bigint, one beyond it (a URL can carry any digits).
ABSENT_IDS = (2**62, 10**20)


def test_an_id_no_row_has_answers_404(client_for, super_admin: User, account: Account):
    client = client_for(super_admin)
    wrong = []
    for route in product_routes():
        if ACCOUNT_KWARG not in route.kwargs or not route.object_kwargs:
            continue
        for absent in ABSENT_IDS:
            values = {ACCOUNT_KWARG: account.pk} | dict.fromkeys(route.object_kwargs, absent)
            wrong += not_404(client, fill(route, values), f"{route.name}, no such id")
    assert not wrong, "views that do not answer 404 to an id no row has:\n" + "\n".join(wrong)


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
