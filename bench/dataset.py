"""The benchmark data set: 1,000 accounts, one with 30 % of the events, ~120 days, loaded by COPY.

A load generator, not the product's recording path: rows are COPYed into a staging table and
then chained (seq and hash, as the recorder links them) into the partitioned table in time order
(as an append-only log fills), with locations and devices picked from small pre-enriched pools
instead of a GeoIP lookup and a user-agent parse per row.
Everything is drawn from one seeded random generator, so a size and a seed give the same data.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import multiprocessing
import queue
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django_scopes import scopes_disabled

from accounts.models import (
    Account,
    Department,
    Employee,
    Membership,
    Product,
    Role,
    Subscription,
    Team,
    TeamMember,
    Tier,
    User,
)
from auditlog import catalog
from auditlog.integrity.chain import chain_staged, stage_create
from auditlog.partitions import partitions_ensure_range
from auditlog.services import COPY_COLUMNS
from bench import DATASET_VERSION

ACCOUNTS = 1_000
DAYS = 120
BIG_SHARE = 0.30  # the largest account's share of all events
NEXT_NINE_SHARE = 0.20  # the next nine accounts together; the other 990 share the rest
BIG_USERS = 400
BIG_TEAMS = 20

# Columns written by COPY, in the order of the generated lines (id and recorded_at default).
COLUMNS = COPY_COLUMNS
# The loaders COPY into this table; the rows are then chained into the event table in one pass.
STAGE = "bench_event_stage"

# (category, subcategory, action, relative weight, object kind). Login is the bulk, as in real
# logs; a few actions are rare (<0.1 %) on purpose: the rare-action filter must find them.
EVENT_MIX: tuple[tuple[str, str, str, float, str], ...] = (
    ("login", "login_succeeded", "login", 30.0, "login"),
    ("login", "logout", "logout", 8.0, "login"),
    ("login", "login_failed", "login", 2.5, "login"),
    ("security_activity", "two_factor", "enable", 0.3, "setting"),
    ("security_activity", "user", "add", 0.4, "user"),
    ("security_activity", "user", "remove", 0.15, "user"),
    ("security_activity", "admin_rights", "update", 0.2, "user"),
    ("security_activity", "export", "export", 0.8, "export"),
    ("security_activity", "import", "import", 0.3, "import"),
    ("security_activity", "impersonation", "login", 0.04, "user"),
    ("security_activity", "user_status", "disable", 0.05, "user"),
    ("security_activity", "login_settings", "update", 0.03, "setting"),
    ("security_activity", "integration", "add", 0.08, "integration"),
    ("security_activity", "sso", "update", 0.02, "setting"),
    ("crm_objects", "contact", "update", 4.0, "contact"),
    ("crm_objects", "contact", "create", 1.5, "contact"),
    ("crm_objects", "contact", "delete", 0.5, "contact"),
    ("crm_objects", "contact", "restore", 0.04, "contact"),
    ("crm_objects", "company", "update", 1.5, "company"),
    ("crm_objects", "company", "create", 0.5, "company"),
    ("crm_objects", "deal", "update", 2.0, "deal"),
    ("crm_objects", "deal", "create", 0.6, "deal"),
    ("crm_objects", "deal", "delete", 0.2, "deal"),
    ("crm_objects", "ticket", "update", 1.2, "ticket"),
    ("crm_objects", "ticket", "create", 0.5, "ticket"),
    ("value_updates", "property_value", "update", 25.0, "contact"),
    ("crm_object_association", "association", "add", 2.0, "contact"),
    ("crm_object_association", "association", "remove", 0.5, "contact"),
    ("content_activity", "page", "update", 1.5, "content"),
    ("content_activity", "blog_post", "update", 1.0, "content"),
    ("content_activity", "email", "send", 1.0, "content"),
    ("content_activity", "file", "download", 0.8, "content"),
    ("workflows", "workflow", "update", 1.0, "workflow"),
    ("workflows", "workflow_action", "enable", 0.3, "workflow"),
    ("lists", "static_list", "update", 1.0, "list"),
    ("lists", "active_list", "create", 0.3, "list"),
    ("settings", "user_preferences", "update", 0.8, "setting"),
    ("settings", "account_defaults", "update", 0.1, "setting"),
    ("property_updates", "property_definition", "create", 0.3, "property"),
    ("property_updates", "property_definition", "update", 0.5, "property"),
    ("pipeline_changes", "pipeline_stage", "update", 0.2, "pipeline"),
    ("meetings", "meeting", "create", 0.8, "meeting"),
    ("approvals", "approval_request", "create", 0.2, "approval"),
    ("approvals", "approval_decision", "approve", 0.15, "approval"),
    ("approvals", "approval_decision", "reject", 0.03, "approval"),
    ("communication_preferences", "subscription_status", "update", 1.0, "contact"),
    ("privacy_requests", "data_deletion", "delete", 0.02, "contact"),
    ("privacy_requests", "data_access", "export", 0.02, "contact"),
    ("sensitive_properties", "sensitive_value_view", "view", 0.5, "contact"),
    ("record_creation_form", "creation_form", "update", 0.1, "setting"),
    ("salesforce_activity", "salesforce_sync", "import", 0.5, "integration"),
    ("customer_agent", "agent_knowledge", "update", 0.1, "setting"),
    ("multi_account", "shared_asset", "add", 0.02, "setting"),
    ("custom_object_association", "custom_association", "add", 0.1, "contact"),
    ("crm_association_definition", "association_definition", "update", 0.02, "setting"),
    ("audit_logs", "log_view", "view", 0.5, "log_view"),
    ("audit_logs", "saved_view", "create", 0.03, "saved_view"),
)

# Pre-enriched locations: ip, country code, country, region, city.
LOCATIONS = (
    ("145.18.12.36", "NL", "Netherlands", "North Holland", "Amsterdam"),
    ("131.180.77.82", "NL", "Netherlands", "South Holland", "Delft"),
    ("145.100.190.243", "NL", "Netherlands", "Utrecht", "Utrecht"),
    ("129.125.36.7", "NL", "Netherlands", "Groningen", "Groningen"),
    ("141.20.5.188", "DE", "Germany", "Land Berlin", "Berlin"),
    ("129.187.254.49", "DE", "Germany", "Bavaria", "Munich"),
    ("129.206.100.126", "DE", "Germany", "Baden-Wurttemberg", "Heidelberg"),
    ("128.40.168.96", "GB", "United Kingdom", "England", "London"),
    ("129.215.17.190", "GB", "United Kingdom", "Scotland", "Edinburgh"),
    ("134.157.8.12", "FR", "France", "Ile-de-France", "Paris"),
    ("147.210.8.80", "FR", "France", "Nouvelle-Aquitaine", "Talence"),
    ("128.122.119.202", "US", "United States", "New York", "New York"),
    ("128.32.203.137", "US", "United States", "California", "Berkeley"),
    ("128.95.155.134", "US", "United States", "Washington", "Seattle"),
    ("128.83.40.146", "US", "United States", "Texas", "Austin"),
    ("128.135.164.171", "US", "United States", "Illinois", "Chicago"),
    ("143.107.45.12", "BR", "Brazil", "Sao Paulo", "Sao Paulo"),
    ("133.9.64.20", "JP", "Japan", "Tokyo", "Tokyo"),
    ("14.139.128.12", "IN", "India", "Karnataka", "Bengaluru"),
    ("128.250.6.182", "AU", "Australia", "Victoria", "Melbourne"),
    ("10.20.0.14", "", "", "", ""),
)

# Pre-parsed devices: user agent, browser, os, device.
DEVICES = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Chrome 131",
        "Windows 10",
        "Desktop",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        "Safari 18.1",
        "Mac OS X 10.15.7",
        "Desktop",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "Windows 10",
        "Desktop",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Edge 131",
        "Windows 10",
        "Desktop",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36",
        "Chrome 130",
        "Linux",
        "Desktop",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari 18.1",
        "iOS 18.1",
        "iPhone",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Chrome Mobile 131",
        "Android 14",
        "Pixel 8",
    ),
    ("python-requests/2.32.3", "Python Requests 2.32", "Other", "Other"),
)

FIRST_NAMES = (
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Dennis",
    "Frances",
    "Ken",
    "Radia",
    "Edsger",
    "Hedy",
    "John",
    "Katherine",
    "Donald",
    "Lynn",
    "Niklaus",
    "Shafi",
    "Tim",
    "Sophie",
    "Yusuf",
    "Mei",
    "Pieter",
    "Anouk",
    "Lars",
    "Ines",
    "Mateo",
    "Priya",
    "Kofi",
    "Noor",
)
LAST_NAMES = (
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Liskov",
    "Ritchie",
    "Allen",
    "Thompson",
    "Perlman",
    "Dijkstra",
    "Lamarr",
    "Backus",
    "Johnson",
    "Knuth",
    "Conway",
    "Wirth",
    "Goldwasser",
    "Berners-Lee",
    "Wilson",
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Okafor",
    "Tanaka",
    "Garcia",
    "Novak",
    "Haddad",
)
LABELS = {
    "contact": ("Jan de Vries", "Sanne Bakker", "Tom Okafor", "Mia Novak", "Liam Garcia"),
    "company": ("Acme Logistics", "Blue Harbor B.V.", "Nordic Freight", "Delta Parts GmbH"),
    "deal": ("Renewal 2026", "Fleet expansion", "Pilot: cold chain", "Warehouse robotics"),
    "ticket": ("Late delivery", "Damaged pallet", "Invoice question", "Customs hold"),
    "content": ("Spring newsletter", "Pricing page", "Shipping FAQ", "Welcome email"),
    "workflow": ("Lead rotation", "Renewal reminder", "Ticket escalation"),
    "list": ("Q3 prospects", "Churn risk", "Event attendees"),
    "setting": ("Account defaults", "Two-factor authentication", "Login settings"),
    "property": ("Lifecycle stage", "Fleet size", "Preferred carrier"),
    "pipeline": ("Sales pipeline", "Renewals"),
    "meeting": ("Intro call (30 min)", "Quarterly review"),
    "approval": ("Discount 20 %", "Refund request"),
    "export": ("Contacts export", "Deals export"),
    "import": ("Trade fair leads", "Salesforce contacts"),
    "integration": ("Slack", "Salesforce", "Zendesk"),
    "user": ("New colleague", "Former colleague"),
    "log_view": ("all", "login", "security"),
    "saved_view": ("Deletes this week", "Exports by admins"),
}
CRM_KINDS = ("contact", "company", "deal", "ticket")
INTEGRATIONS = ("Salesforce sync", "Zapier", "Slack", "Mailchimp")


def _copy_text(value: str) -> str:
    """A value escaped for COPY's text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _metadata_variants(category: str, subcategory: str, action: str) -> tuple[str, ...]:
    if category == "login":
        docs = [
            {"method": "password", "mfa": True, "session_minutes": 480},
            {"method": "sso", "provider": "Okta", "mfa": True},
            {"method": "password", "mfa": False, "remember_me": True},
        ]
    elif action == "update":
        docs = [
            {
                "property": "lifecyclestage",
                "before": "lead",
                "after": "customer",
                "source": "CRM_UI",
            },
            {
                "property": "hs_lead_status",
                "before": "Open",
                "after": "In progress",
                "source": "WORKFLOW",
                "workflow_id": 8812,
            },
            {
                "property": "amount",
                "before": "12500",
                "after": "14250",
                "currency": "EUR",
                "source": "API",
            },
        ]
    else:
        docs = [
            {"source": "CRM_UI", "subcategory": subcategory},
            {"source": "API", "request_id": "9f3c2a71-0d4e-4b8a-9a51-2c6d7e8f9a10"},
            {"source": "IMPORT", "batch": 41, "rows": 250},
        ]
    return tuple(_copy_text(json.dumps(d, separators=(",", ":"))) for d in docs)


@dataclass
class EventType:
    classification: str  # "category\tsubcategory\taction"
    kind: str
    login_type: str
    metadata: tuple[str, ...]
    is_login: bool


@dataclass
class AccountPlan:
    index: int
    weight: float
    name: str
    tier: int
    n_users: int
    n_teams: int
    id: int = 0
    user_ids: list[int] = field(default_factory=list)
    # Per user: the COPY text of actor_type … actor_team_ids, as user and via an integration.
    actor_user: list[str] = field(default_factory=list)
    actor_integration: list[str] = field(default_factory=list)
    home_location: list[str] = field(default_factory=list)
    home_device: list[str] = field(default_factory=list)
    user_cum: list[float] = field(default_factory=list)


def _account_plans(rng: random.Random) -> list[AccountPlan]:
    """Weights: one account 30 %, nine 20 % together, 990 the rest on a spread of 1..20, and the
    last one smaller than any (the "smallest account" probe)."""
    tail = [math.exp(rng.uniform(0, math.log(20))) for _ in range(ACCOUNTS - 11)]
    tail.append(0.5)
    tail_sum = sum(tail)
    plans = [AccountPlan(0, BIG_SHARE, "Bench Big Co", Tier.ENTERPRISE, BIG_USERS, BIG_TEAMS)]
    for i in range(1, 10):
        plans.append(
            AccountPlan(i, NEXT_NINE_SHARE / 9, f"Bench Large {i:02d}", Tier.ENTERPRISE, 60, 6)
        )
    rest = 1.0 - BIG_SHARE - NEXT_NINE_SHARE
    tiers = (Tier.STARTER, Tier.STARTER, Tier.PROFESSIONAL, Tier.PROFESSIONAL, Tier.ENTERPRISE)
    for j, w in enumerate(tail):
        index = 10 + j
        smallest = index == ACCOUNTS - 1
        users = 2 if smallest else 2 + int(28 * (w - 1) / 19)
        plans.append(
            AccountPlan(
                index,
                rest * w / tail_sum,
                "Bench Smallest" if smallest else f"Bench Tenant {index:04d}",
                # Enterprise, so the smallest account sees all of its few events.
                Tier.ENTERPRISE if smallest else rng.choice(tiers),
                users,
                1 + users // 8,
            )
        )
    return plans


def _create_people(plans: list[AccountPlan], rng: random.Random) -> dict[str, Any]:
    """Accounts, subscriptions, users, memberships, teams and team members (bulk)."""
    password = make_password(None)  # unusable: the benchmark signs in with force_login
    accounts = Account.objects.bulk_create(
        [Account(name=p.name, time_zone="UTC") for p in plans], batch_size=1000
    )
    for plan, account in zip(plans, accounts, strict=True):
        plan.id = account.pk
    Subscription.objects.bulk_create(
        [
            Subscription(account_id=p.id, product=product, tier=p.tier)
            for p in plans
            for product in (Product.SALES, Product.SERVICE)
        ],
        batch_size=2000,
    )
    users = []
    for p in plans:
        for j in range(p.n_users):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(
                User(
                    email=f"u{j}.a{p.index}@bench.example",
                    full_name=f"{first} {last}",
                    password=password,
                )
            )
    created = User.objects.bulk_create(users, batch_size=2000)
    by_email = {u.email: u.pk for u in created}
    memberships = []
    for p in plans:
        p.user_ids = [by_email[f"u{j}.a{p.index}@bench.example"] for j in range(p.n_users)]
        for j, uid in enumerate(p.user_ids):
            role = Role.SUPER_ADMIN if j == 0 else Role.ADMIN if j < 4 else Role.MEMBER
            memberships.append(
                Membership(account_id=p.id, user_id=uid, role=role, audit_log_access=j < 4)
            )
    Membership.objects.bulk_create(memberships, batch_size=5000)
    Team.objects.bulk_create(
        [Team(account_id=p.id, name=f"Team {k + 1:02d}") for p in plans for k in range(p.n_teams)],
        batch_size=5000,
    )
    team_ids: dict[int, list[int]] = {}
    for account_id, tid in Team.objects.order_by("account_id", "name").values_list(
        "account_id", "id"
    ):
        team_ids.setdefault(account_id, []).append(tid)
    members = []
    user_teams: dict[int, list[int]] = {}
    for p in plans:
        teams = team_ids.get(p.id, [])
        # Some teams are much bigger than others (popularity 1/rank).
        team_cum = list(_cumulative([1 / (k + 1) for k in range(len(teams))]))
        for j, uid in enumerate(p.user_ids):
            joined: set[int] = set()
            draws = 0 if (j % 10 == 9 and p.index == 0) else 1 + (rng.random() < 0.3)
            for _ in range(draws):
                joined.add(teams[_pick(team_cum, rng.random())])
            if p.n_users <= 3:  # tiny accounts: everyone in their one team
                joined = {teams[0]}
            user_teams[uid] = sorted(joined)
            members.extend(TeamMember(account_id=p.id, team_id=t, user_id=uid) for t in joined)
    TeamMember.objects.bulk_create(members, batch_size=5000)
    employees = Employee.objects.bulk_create(
        [
            Employee(
                email=f"staff{k}@vendor.example",
                full_name=f"{FIRST_NAMES[k]} {LAST_NAMES[-k - 1]}",
                department=list(Department)[k % len(Department)],
            )
            for k in range(6)
        ]
    )
    admin = User.objects.create_superuser(
        "bench-admin@bench.example", None, full_name="Bench Admin"
    )
    return {"user_teams": user_teams, "employees": employees, "admin_id": admin.pk}


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = sum(weights) or 1.0
    acc = 0.0
    for w in weights:
        acc += w / total
        yield acc


def _pick(cum: list[float], r: float) -> int:
    return min(bisect.bisect_left(cum, r), len(cum) - 1)


def _prepare_actors(
    plans: list[AccountPlan], user_teams: dict[int, list[int]], rng: random.Random
) -> None:
    """Pre-render each user's actor columns, home location and device (activity ~ 1/rank^0.7)."""
    names = dict(User.objects.values_list("pk", "full_name"))
    emails = dict(User.objects.values_list("pk", "email"))
    for p in plans:
        p.user_cum = list(_cumulative([1 / (j + 1) ** 0.7 for j in range(p.n_users)]))
        for uid in p.user_ids:
            teams = "{" + ",".join(str(t) for t in user_teams.get(uid, [])) + "}"
            who = f"{uid}\t\\N\t%s\t{emails[uid]}\t{_copy_text(names[uid])}\t\t{teams}"
            p.actor_user.append("user\t" + who % "")
            p.actor_integration.append("integration\t" + who % rng.choice(INTEGRATIONS))
            p.home_location.append("\t".join(rng.choice(LOCATIONS[:-1])))
            p.home_device.append("\t".join(_copy_text(v) for v in rng.choice(DEVICES[:5])))


def _event_types() -> tuple[list[EventType], list[float]]:
    types = []
    for category, subcategory, action, _weight, kind in EVENT_MIX:
        catalog.validate(category_code=category, subcategory_code=subcategory, action_code=action)
        types.append(
            EventType(
                classification=f"{category}\t{subcategory}\t{action}",
                kind=kind,
                login_type="Email and password" if category == "login" else "",
                metadata=_metadata_variants(category, subcategory, action),
                is_login=category == "login",
            )
        )
    return types, list(_cumulative([m[3] for m in EVENT_MIX]))


def _hour_weights(start: dt.datetime, hours: int) -> list[float]:
    """Office hours and weekdays are busy; nights and weekends are quiet."""
    weights = []
    for h in range(hours):
        moment = start + dt.timedelta(hours=h)
        day = 1.0 if moment.weekday() < 5 else 0.25
        hour = moment.hour
        diurnal = 1.0 if 7 <= hour < 18 else 0.45 if 18 <= hour < 22 else 0.12
        weights.append(day * diurnal)
    return weights


def _spread(total: int, weights: list[float]) -> list[int]:
    """Integer counts proportional to weights that add up to exactly `total`."""
    wsum = sum(weights)
    counts, acc, done = [], 0.0, 0
    for w in weights:
        acc += w * total / wsum
        n = round(acc) - done
        counts.append(n)
        done += n
    return counts


def _lines(
    *,
    plans: list[AccountPlan],
    employees: list[Employee],
    counts: list[int],
    start: dt.datetime,
    first_hour: int,
    last_hour: int,
    rng: random.Random,
) -> Iterator[str]:
    """COPY text for hours [first_hour, last_hour), one chunk per hour, rows in time order."""
    types, type_cum = _event_types()
    type_idx = range(len(types))
    acc_idx = range(len(plans))
    acc_cum = list(_cumulative([p.weight for p in plans]))
    employee_actor = [
        f"employee\t\\N\t{e.pk}\t\t{e.email}\t{_copy_text(e.full_name)}\t{e.department}\t{{}}"
        for e in employees
    ]
    locations = ["\t".join(loc) for loc in LOCATIONS]
    devices = ["\t".join(_copy_text(v) for v in d) for d in DEVICES]
    labels = {k: [_copy_text(v) for v in vs] for k, vs in LABELS.items()}
    random_ = rng.random
    randrange = rng.randrange
    choices = rng.choices
    bisect_left = bisect.bisect_left
    for h in range(first_hour, last_hour):
        n = counts[h]
        if not n:
            continue
        hour_text = (start + dt.timedelta(hours=h)).strftime("%Y-%m-%d %H:")
        offsets = sorted(randrange(3_600_000_000) for _ in range(n))
        accounts = choices(acc_idx, cum_weights=acc_cum, k=n)
        kinds = choices(type_idx, cum_weights=type_cum, k=n)
        out = []
        for off, a, t in zip(offsets, accounts, kinds, strict=True):
            p = plans[a]
            et = types[t]
            u = bisect_left(p.user_cum, random_())
            if u >= p.n_users:
                u = p.n_users - 1
            r = random_()
            if et.is_login and r < 0.01:
                actor = employee_actor[randrange(len(employee_actor))]
            elif r < 0.04 and not et.is_login:
                actor = p.actor_integration[u]
            else:
                actor = p.actor_user[u]
            kind = et.kind
            if kind == "login":
                obj = "\t\t\t/login/"
            elif kind in CRM_KINDS:
                oid = randrange(1, 60_000)
                label = labels[kind][oid % len(labels[kind])]
                obj = f"{kind}\t{oid}\t{label}\t/a/{p.id}/crm/{kind}/{oid}/"
            else:
                pool = labels[kind]
                k = randrange(len(pool))
                obj = f"{kind}\t{k + 1}\t{pool[k]}\t"
            if r < 0.85:
                where = p.home_location[u]
                device = p.home_device[u]
            else:
                where = locations[randrange(len(locations))]
                device = devices[randrange(len(devices))]
            sec, us = divmod(off, 1_000_000)
            minute, sec = divmod(sec, 60)
            out.append(
                f"{p.id}\t{hour_text}{minute:02d}:{sec:02d}.{us:06d}+00\t{et.classification}\t"
                f"{actor}\t{obj}\t{where}\t{et.login_type}\t{device}\t"
                f"{et.metadata[randrange(3)]}\n"
            )
        yield "".join(out)


def _copy_days(
    *,
    url: str,
    days: list[int],
    plans: list[AccountPlan],
    employees: list[Employee],
    counts: list[int],
    start: dt.datetime,
    seed: int,
    done: Any,
) -> None:
    """One loader process: COPY its days in order, one transaction per day."""
    statement = f"COPY {STAGE} ({', '.join(COLUMNS)}) FROM STDIN"
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        for day in days:
            rng = random.Random(f"{seed}:{day}")  # per day, so any split gives the same rows
            with conn.transaction(), cursor.copy(statement) as copy:
                for chunk in _lines(
                    plans=plans,
                    employees=employees,
                    counts=counts,
                    start=start,
                    first_hour=day * 24,
                    last_hour=(day + 1) * 24,
                    rng=rng,
                ):
                    copy.write(chunk)
            done.put(sum(counts[day * 24 : (day + 1) * 24]))


def _copy_parallel(*, url: str, workers: int, log, **work: Any) -> None:
    """COPY the days in `workers` processes, each a contiguous run of days (so each partition's
    heap stays in time order); PostgreSQL's index upkeep, not the generator, is the bottleneck."""
    connections.close_all()  # children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    days = list(range(DAYS))
    size = math.ceil(DAYS / workers)
    processes = [
        context.Process(
            target=_copy_days,
            kwargs={"url": url, "days": days[i : i + size], "done": done, **work},
        )
        for i in range(0, DAYS, size)
    ]
    for process in processes:
        process.start()
    total, written, reported, t0 = sum(work["counts"]), 0, 0, time.perf_counter()
    while any(p.is_alive() for p in processes) or not done.empty():
        try:
            written += done.get(timeout=1)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                break
            continue
        if written - reported >= total / 10 or written == total:
            reported = written
            elapsed = time.perf_counter() - t0
            log(
                f"  COPY {written:>11,} / {total:,} events "
                f"({elapsed:.0f} s, {written / max(elapsed, 1e-9):,.0f} rows/s)"
            )
    for process in processes:
        process.join()
    if any(p.exitcode != 0 for p in processes) or written != total:
        raise RuntimeError(f"a loader process failed ({written:,} of {total:,} events written)")


def build(*, events: int, seed: int, url: str, workers: int = 2, log=print) -> dict[str, Any]:
    """Create people and COPY `events` events ending now; return the data set's description."""
    rng = random.Random(seed)
    anchor = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    end_hour = anchor.replace(minute=0)
    start = end_hour - dt.timedelta(days=DAYS)
    hours = DAYS * 24  # whole hours up to the anchor's hour; the anchor is the data set's "now"
    plans = _account_plans(rng)
    t0 = time.perf_counter()
    with scopes_disabled(), transaction.atomic():
        people = _create_people(plans, rng)
    _prepare_actors(plans, people["user_teams"], rng)
    log(
        f"  people: {len(plans)} accounts, {sum(p.n_users for p in plans)} users, "
        f"{sum(p.n_teams for p in plans)} teams ({time.perf_counter() - t0:.1f} s)"
    )
    partitions_ensure_range(start.date(), anchor.date())
    counts = _spread(events, _hour_weights(start, hours))
    stage_create(STAGE)
    t0 = time.perf_counter()
    _copy_parallel(
        url=url,
        workers=workers,
        plans=plans,
        employees=people["employees"],
        counts=counts,
        start=start,
        seed=seed,
        log=log,
    )
    t1 = time.perf_counter()
    # Each account's events become its hash chain in time order, as the recorder makes it.
    chain_staged(source=STAGE)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}")
    log(f"  chained into the event table: {time.perf_counter() - t1:.0f} s")
    load_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE auditlog_event")
        cursor.execute("ANALYZE")
    vacuum_seconds = time.perf_counter() - t0
    log(f"  VACUUM ANALYZE: {vacuum_seconds:.0f} s")
    big, smallest = plans[0], plans[-1]
    return {
        "version": DATASET_VERSION,
        "events": events,
        "seed": seed,
        "anchor": anchor.isoformat(),
        "start": start.isoformat(),
        "accounts": len(plans),
        "users": sum(p.n_users for p in plans),
        "teams": sum(p.n_teams for p in plans),
        "big_account": big.id,
        "smallest_account": smallest.id,
        "viewers": {str(big.id): big.user_ids[0], str(smallest.id): smallest.user_ids[0]},
        "admin_user": people["admin_id"],
        "load_seconds": round(load_seconds, 1),
        "vacuum_seconds": round(vacuum_seconds, 1),
        "built_at": dt.datetime.now(dt.UTC).isoformat(),
    }
