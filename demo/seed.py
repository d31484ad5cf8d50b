"""Seeding the demo data of the contract (ENGINEERING.md §1): three accounts at three tiers, their
people and teams, platform employees, CRM records and about 200,000 events.

Idempotent: accounts are found by name, people by email, teams by name, employees by email; what
exists is kept as it is (a re-run never resets a password or a role someone changed). Records are
created only for an account that has none, events only for an account that has none.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Account, Employee, Membership, Subscription, Team, TeamMember, User
from auditlog.models import Event
from auditlog.partitions import partitions_ensure_range
from auditlog.services import EventInput, event_record, events_bulk_load
from crm.models import Record
from demo import data
from demo.events import AccountStory, Person, Staff
from demo.records import records_history, records_seed

WINDOW_DAYS = 120
CHUNK = 20_000
DEFAULT_EVENTS = 200_000
DEFAULT_SEED = 20_260_101


@dataclass
class AccountResult:
    name: str
    account_id: int
    tier: str
    events_created: int = 0
    events_total: int = 0
    records: int = 0
    categories: dict[str, int] = field(default_factory=dict)


@dataclass
class SeedResult:
    skipped: bool
    seconds: float
    accounts: list[AccountResult] = field(default_factory=list)

    @property
    def events_created(self) -> int:
        return sum(a.events_created for a in self.accounts)


def demo_present() -> bool:
    """The demo accounts all exist and have events (what `seed_demo --if-empty` looks for)."""
    with scopes_disabled():  # a look across the demo accounts
        for spec in data.ACCOUNTS:
            account = Account.objects.filter(name=spec.name).order_by("pk").first()
            if account is None or not Event.objects.filter(account=account).exists():
                return False
    return True


def demo_seed(
    *,
    events: int = DEFAULT_EVENTS,
    if_empty: bool = False,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Create what is missing of the demo data; events only for demo accounts without any."""
    started = time.monotonic()
    say = progress or (lambda _message: None)
    # Seeding spans every demo account and the people and employees shared between them, so it
    # runs outside any one tenant's scope; every query below names its account explicitly.
    with scopes_disabled(), transaction.atomic():
        with connection.cursor() as cursor:
            # Two seeders at once (two `make run`s) would both find no events; take turns.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('demo.seed'))")
        if if_empty and demo_present():
            return SeedResult(skipped=True, seconds=time.monotonic() - started)
        now = now or timezone.now()
        password = make_password(data.DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        staff = _employees_ensure()
        partitions_ensure_range((now - dt.timedelta(days=WINDOW_DAYS + 1)).date(), now.date())
        result = SeedResult(skipped=False, seconds=0.0)
        shares = _split(events, [spec.share for spec in data.ACCOUNTS])
        for spec, share in zip(data.ACCOUNTS, shares, strict=True):
            rng = random.Random(f"{seed}:{spec.name}")
            account = _account_ensure(spec=spec, now=now)
            people = _people_ensure(account=account, spec=spec, password=password, now=now)
            if Record.objects.filter(account=account).exists():
                plans = records_history(account=account)
            else:
                plans = records_seed(
                    account=account,
                    spec=spec,
                    people={p.user.email: p.user for p in people},
                    rng=rng,
                    now=now,
                    window_days=WINDOW_DAYS,
                )
                say(f"{spec.name}: {len(plans)} CRM records")
            outcome = AccountResult(
                name=spec.name,
                account_id=account.pk,
                tier=str(max(spec.tiers.values()).label),
                records=len(plans),
            )
            if share and not Event.objects.filter(account=account).exists():
                story = AccountStory(
                    account=account,
                    spec=spec,
                    people=people,
                    staff=staff,
                    plans=plans,
                    rng=rng,
                    now=now,
                    window_days=WINDOW_DAYS,
                )
                for chunk in _chunks(story.events(total=share), CHUNK):
                    outcome.events_created += events_bulk_load(account=account, entries=chunk)
                    say(f"{spec.name}: {outcome.events_created:,} events")
                outcome.events_created += _restores_record(
                    account=account, restores=story.pending_restores
                )
            elif share:
                say(f"{spec.name}: has events already, none added")
            counts = Event.objects.filter(account=account).values_list("category")
            outcome.categories = dict(counts.annotate(n=Count("id")).order_by("category"))
            outcome.events_total = sum(outcome.categories.values())
            result.accounts.append(outcome)
    result.seconds = time.monotonic() - started
    return result


def _restores_record(*, account: Account, restores: list[tuple[EventInput, dt.datetime]]) -> int:
    """Restore events name the Delete event they undo, as crm.services.record_restore does."""
    recorded = 0
    for entry, deleted_at in restores:
        delete_id = (
            Event.objects.filter(
                account=account,
                category="crm_objects",
                action="delete",
                object_type=entry.object_type,
                object_id=entry.object_id,
                occurred_at=deleted_at,
            )
            .values_list("id", flat=True)
            .first()
        )
        if delete_id is None:
            continue
        entry.metadata["delete_event_id"] = delete_id
        event_record(account=account, entry=entry)
        recorded += 1
    return recorded


def _split(total: int, shares: list[float]) -> list[int]:
    """`total` divided by the shares; the last takes the rounding remainder."""
    parts = [int(total * share) for share in shares[:-1]]
    return [*parts, max(0, total - sum(parts))]


def _chunks(entries: Iterable[EventInput], size: int) -> Iterator[list[EventInput]]:
    iterator = iter(entries)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _employees_ensure() -> list[Staff]:
    staff = []
    for spec in data.EMPLOYEES:
        employee, _ = Employee.objects.get_or_create(
            email=spec.email,
            defaults={"full_name": spec.full_name, "department": spec.department},
        )
        staff.append(Staff(employee=employee, ip=spec.ip, agent=data.USER_AGENTS[spec.agent]))
    return staff


def _account_ensure(*, spec: data.AccountSpec, now: dt.datetime) -> Account:
    account = Account.objects.filter(name=spec.name).order_by("pk").first()
    if account is None:
        account = Account.objects.create(
            name=spec.name,
            time_zone=spec.time_zone,
            default_language=spec.default_language,
            employee_access_allowed=spec.employee_access_allowed,
            login_settings_configured=spec.login_settings_configured,
            created_at=now - dt.timedelta(days=730),
        )
    for product, tier in spec.tiers.items():
        Subscription.objects.get_or_create(
            account=account, product=product, defaults={"tier": tier}
        )
    return account


def _people_ensure(
    *, account: Account, spec: data.AccountSpec, password: str, now: dt.datetime
) -> list[Person]:
    """The account's people, teams and memberships; returns them with their habits."""
    teams = {}
    for name in spec.teams:
        team, _ = Team.objects.get_or_create(account=account, name=name)
        teams[name] = team
    people = []
    for person in spec.people:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create(
                email=person.email,
                full_name=person.full_name,
                password=password,
                language=person.language,
                time_zone=person.time_zone,
                date_joined=now - dt.timedelta(days=500),
            )
        deactivated = (
            now - dt.timedelta(days=person.deactivated_days_ago)
            if person.deactivated_days_ago is not None
            else None
        )
        Membership.objects.get_or_create(
            account=account,
            user=user,
            defaults={
                "role": person.role,
                "audit_log_access": person.audit_log_access,
                "is_active": deactivated is None,
                "joined_at": now - dt.timedelta(days=WINDOW_DAYS + 30),
            },
        )
        for name in person.teams:
            TeamMember.objects.get_or_create(account=account, team_id=teams[name].id, user=user)
        team_ids = sorted(
            TeamMember.objects.filter(account=account, user=user).values_list("team_id", flat=True)
        )
        people.append(
            Person(
                user=user,
                role=person.role,
                team_ids=team_ids,
                ips=person.ips,
                agents=tuple(data.USER_AGENTS[i] for i in person.agents),
                login_type=person.login_type,
                weight=person.activity,
                active_until=deactivated,
            )
        )
    return people
