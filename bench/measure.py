"""Timing the Audit Logs page and the baselines through Django's test client (server time)."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from accounts.entitlements import entitlements_for
from accounts.models import Account, TeamMember, User
from auditlog import catalog
from auditlog.filters import event_filter, has_filter_params, normalize_filters
from auditlog.models import Event
from auditlog.pagination import DEFAULT_PAGE_SIZE, Cursor, keyset_page
from auditlog.selectors import events_visible
from console.saved_views import DEFAULT_VIEWS

PAGE = DEFAULT_PAGE_SIZE
WARMUPS = 3
QUERY_SAMPLES = 5


@dataclass
class Timing:
    n: int
    p50: float  # milliseconds
    p95: float
    queries: int  # the most SQL queries one request ran
    db_ms: float  # median time one request spent in SQL (the query-count samples)


@dataclass
class Target:
    """One URL to time (a product cell or a baseline) and what it measured."""

    client: Client
    url: str
    requests: int  # timed requests wanted
    budget_seconds: float | None = None  # slow URLs get fewer: about this much time in all…
    min_requests: int = 20  # …but never fewer than this
    timing: Timing | None = None
    captured: list[dict[str, str]] = field(default_factory=list, repr=False)
    times: list[float] = field(default_factory=list, repr=False)
    cost_ms: float = 0.0  # one request, from the warm-up

    @property
    def planned(self) -> int:
        if self.budget_seconds is None:
            return self.requests
        by_budget = int(self.budget_seconds * 1000 / max(self.cost_ms, 0.1))
        return max(self.min_requests, min(self.requests, by_budget))


@dataclass
class Cell:
    """One page of the Audit Logs page: an account, a filter and a page depth."""

    account: str  # "big" / "smallest"
    filter: str
    depth: str  # "1" / "50" / "deep"
    page: int  # the page number actually requested
    pages: int  # how many pages the filter has
    rows: int  # rows the filter matches
    url: str
    target: Target | None = None

    @property
    def timing(self) -> Timing | None:
        return self.target.timing if self.target else None


@dataclass
class Probe:
    """The filter values chosen from the data for one account."""

    account: Account
    label: str
    viewer: User
    filters: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


class _SqlTimer:
    """Wall time spent in the database (execute_wrapper), finer than the captured `time`."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0


def warm_up(target: Target) -> None:
    """A few untimed requests (the first records the self-audit event), then count queries."""
    for _ in range(WARMUPS):
        _get(target.client, target.url)
    queries, db_times, durations = 0, [], []
    for _ in range(QUERY_SAMPLES):
        timer = _SqlTimer()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            _get(target.client, target.url)
        durations.append((time.perf_counter() - t0) * 1000)
        target.captured = list(ctx.captured_queries)
        queries = max(queries, len(target.captured))
        db_times.append(timer.seconds * 1000)
    target.cost_ms = statistics.median(durations)
    target.timing = Timing(
        n=0, p50=0.0, p95=0.0, queries=queries, db_ms=statistics.median(db_times)
    )


def time_interleaved(
    targets: list[Target],
    *,
    rounds: int = 20,
    progress: Callable[[Target], None] | None = None,
) -> None:
    """Time all URLs in `rounds` rounds, each URL doing its share of requests per round, so the
    load from elsewhere on a shared machine falls on all of them alike (ratios stay fair).

    A URL with a budget plans its number of requests from its warm-up cost.
    """
    for target in targets:
        warm_up(target)
    for r in range(rounds):
        for target in targets:
            share = math.ceil(target.planned * (r + 1) / rounds) - len(target.times)
            for _ in range(share):
                t0 = time.perf_counter()
                _get(target.client, target.url)
                target.times.append((time.perf_counter() - t0) * 1000)
    for target in targets:
        assert target.timing is not None
        target.timing.n = len(target.times)
        target.timing.p50 = percentile(target.times, 50)
        target.timing.p95 = percentile(target.times, 95)
        if progress:
            progress(target)


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured query."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


# The filtered queryset, exactly as the page builds it ------------------------------------------


def page_queryset(account: Account, params: dict[str, str]) -> QuerySet[Event]:
    """The queryset event_list pages through for these query parameters (call inside scope)."""
    data = QueryDict(urlencode(params), mutable=False)
    source = data if has_filter_params(data) else normalize_filters(DEFAULT_VIEWS[0].filters)
    return event_filter(account=account, filters=source, for_list=True).qs


def cursor_by_walking(qs: QuerySet[Event], page: int) -> Cursor | None:
    """The `after` cursor that opens `page`, following the Older links from page 1."""
    after = None
    for _ in range(page - 1):
        result = keyset_page(qs, after=after, size=PAGE)
        if result.older is None:
            raise RuntimeError(f"page {page} does not exist")
        after = result.older
    return after


def cursor_by_offset(qs: QuerySet[Event], page: int) -> Cursor | None:
    """The same cursor from one OFFSET query: the last row of the page before."""
    if page <= 1:
        return None
    row = qs.order_by("-occurred_at", "-id").only("occurred_at", "id")[(page - 1) * PAGE - 1]
    return Cursor(occurred_at=row.occurred_at, id=row.id)


def events_url(account: Account, params: dict[str, str], after: Cursor | None) -> str:
    query = dict(params)
    if after is not None:
        query["after"] = after.encode()
    base = reverse("console:events", kwargs={"account_id": account.pk})
    return f"{base}?{urlencode(query)}" if query else base


# Choosing filter values from the data ---------------------------------------------------------


def choose_probe(account: Account, label: str, viewer: User) -> Probe:
    """Typical and rare filter values for the account, read from its visible events."""
    probe = Probe(account=account, label=label, viewer=viewer)
    with scope(account=account):
        visible = events_visible(account=account, entitlements=entitlements_for(account=account))
        total = visible.count() or 1
        by_category = dict(
            visible.order_by()
            .values_list("category")
            .annotate(n=Count("*"))
            .values_list("category", "n")
        )
        by_action = dict(
            visible.order_by()
            .values_list("action")
            .annotate(n=Count("*"))
            .values_list("action", "n")
        )
        by_user = dict(
            visible.filter(actor_user_id__isnull=False)
            .order_by()
            .values_list("actor_user_id")
            .annotate(n=Count("*"))
            .values_list("actor_user_id", "n")
        )
        team_members: dict[int, list[int]] = {}
        for team_id, user_id in TeamMember.objects.filter(account=account).values_list(
            "team_id", "user_id"
        ):
            team_members.setdefault(team_id, []).append(user_id)
        # A typical category (~10 % of events) that has more than one action.
        multi = {
            c
            for c, n_actions in visible.order_by()
            .values_list("category")
            .annotate(n=Count("action", distinct=True))
            .values_list("category", "n")
            if n_actions > 1
        }
        # A tiny account may lack some of these; fall back to values that match nothing.
        category = (
            min(multi, key=lambda c: abs(by_category.get(c, 0) / total - 0.10))
            if multi
            else "login"
        )
        in_category = dict(
            visible.filter(category=category)
            .order_by()
            .values_list("action")
            .annotate(n=Count("*"))
            .values_list("action", "n")
        )
        ranked = sorted(in_category, key=lambda a: -in_category[a]) or ["login"]
        cat_action = ranked[1] if len(ranked) > 1 else ranked[0]
        user_id = (
            min(by_user, key=lambda u: abs(by_user[u] / total - 0.01)) if by_user else viewer.pk
        )
        team_id = min(
            team_members,
            key=lambda t: abs(sum(by_user.get(u, 0) for u in team_members[t]) / total - 0.05),
        )
        rare = [a for a, n in by_action.items() if n / total < 0.001]
        if rare:
            rare_action = max(rare, key=lambda a: by_action[a])
        else:
            # A small account has no action under 0.1 % but one it never did (0 rows).
            rare_action = next(a.code for a in catalog.ACTIONS if a.code not in by_action)
    base = {"view": "all", "date": "30d"}
    probe.filters = {
        "no filter": {},
        "category": {**base, "category": category},
        "category + action": {**base, "category": category, "action": cat_action},
        "actor (one user)": {**base, "actor": f"u{user_id}"},
        "team": {**base, "actor": f"t{team_id}"},
        "7-day range": {"view": "all", "date": "7d"},
        "rare action": {**base, "action": rare_action},
        # The deepest pages there are: the account's whole history.
        "whole log": {"view": "all", "date": ""},
    }
    team_share = sum(by_user.get(u, 0) for u in team_members[team_id]) / total
    probe.notes = {
        "no filter": "default view: last 30 days",
        "category": f"{category} ({by_category.get(category, 0) / total:.1%} of events)",
        "category + action": f"{category} + {cat_action} "
        f"({in_category.get(cat_action, 0) / total:.2%})",
        "actor (one user)": f"user {user_id} ({by_user.get(user_id, 0) / total:.2%})",
        "team": f"team {team_id}: {len(team_members[team_id])} members ({team_share:.1%})",
        "7-day range": "last 7 days",
        "rare action": f"{rare_action} ({by_action.get(rare_action, 0) / total:.3%})",
        "whole log": "any time",
    }
    return probe


# Cells ----------------------------------------------------------------------------------------


def product_cells(probe: Probe, *, deep_page: int, log: Callable[[str], None]) -> list[Cell]:
    """Page 1, page 50 and the deep page of every filter (capped at the filter's last page)."""
    cells = []
    account = probe.account
    with scope(account=account):
        for name, params in probe.filters.items():
            qs = page_queryset(account, params)
            rows = qs.count()
            pages = max(1, math.ceil(rows / PAGE))
            walked = cursor_by_walking(qs, min(50, pages))
            offset = cursor_by_offset(qs, min(50, pages))
            if walked != offset:
                raise RuntimeError(f"{name}: keyset walk and OFFSET disagree on page 50")
            for depth, wanted in (("1", 1), ("50", 50), ("deep", deep_page or pages)):
                page = min(wanted, pages)
                after = walked if page == min(50, pages) else cursor_by_offset(qs, page)
                cells.append(
                    Cell(
                        account=probe.label,
                        filter=name,
                        depth=depth,
                        page=page,
                        pages=pages,
                        rows=rows,
                        url=events_url(account, params, after),
                    )
                )
            log(f"    {probe.label:8} {name:18} {rows:>9,} rows, {pages:>6,} pages")
    return cells


def baseline_params(params: dict[str, str], now_minus: Callable[[int], str]) -> dict[str, str]:
    """The admin changelist's query string for the same filter (date range as occurred_at__gte)."""
    date = params.get("date", "30d")
    query = {"occurred_at__gte": now_minus({"30d": 30, "7d": 7}[date])} if date else {}
    if params.get("category"):
        query["category__exact"] = params["category"]
    if params.get("action"):
        query["action__exact"] = params["action"]
    return query


def admin_url(account: Account, params: dict[str, str], page: int, now_minus) -> str:
    query = {"account_id": str(account.pk), **baseline_params(params, now_minus)}
    if page > 1:
        query["p"] = str(page)
    return f"{reverse('admin:bench_adminevent_changelist')}?{urlencode(query)}"


def offset_url(account: Account, params: dict[str, str], page: int) -> str:
    query = {k: v for k, v in params.items() if k in {"category", "action", "actor", "date"}}
    query.setdefault("date", "30d")
    if page > 1:
        query["page"] = str(page)
    return f"{reverse('bench_offset', kwargs={'account_id': account.pk})}?{urlencode(query)}"
