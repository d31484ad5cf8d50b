"""Recording audit events: validated against the catalog, actor snapshotted, IP and user agent
enriched at record time (SPEC S2). One event through the ORM, many through COPY."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.entitlements import Entitlements, entitlements_for
from accounts.errors import DomainError
from accounts.models import Account, Employee, Tier, User
from accounts.selectors import team_ids_of
from auditlog import catalog
from auditlog.enrichment import locate, parse_user_agent
from auditlog.hooks import event_recorded
from auditlog.integrity.canonical import event_canonical, event_hash
from auditlog.integrity.chain import chain_advance, chain_lock
from auditlog.models import ActorType, Event
from auditlog.partitions import partition_ensure, partitions_drop_before, partitions_ensure_range

ACTOR_TYPES = frozenset(ActorType.values)


class InvalidEvent(DomainError, ValueError):
    """An event that cannot be recorded; `field_name` says which part is wrong."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field_name = field_name
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class Actor:
    """Who acted: a member, a platform employee, or an integration acting for a member."""

    type: str
    user: User | None = None
    employee: Employee | None = None
    integration: str = ""

    @classmethod
    def of_user(cls, user: User) -> Actor:
        return cls(type=ActorType.USER, user=user)

    @classmethod
    def of_employee(cls, employee: Employee) -> Actor:
        return cls(type=ActorType.EMPLOYEE, employee=employee)

    @classmethod
    def of_integration(cls, name: str, on_behalf_of: User) -> Actor:
        return cls(type=ActorType.INTEGRATION, user=on_behalf_of, integration=name)

    def validate(self) -> None:
        """Only people, and integrations acting for a person, are logged (SPEC S1)."""
        if self.type not in ACTOR_TYPES:
            raise InvalidEvent("actor", f"unknown actor type {self.type!r}")
        if self.type == ActorType.EMPLOYEE and self.employee is None:
            raise InvalidEvent("actor", "an employee event needs the employee")
        if self.type == ActorType.USER and self.user is None:
            raise InvalidEvent("actor", "a user event needs the user")
        if self.type == ActorType.INTEGRATION and (self.user is None or not self.integration):
            raise InvalidEvent("actor", "an integration event needs the person it acts for")


@dataclass
class EventInput:
    """One event to record, before enrichment."""

    category: str
    subcategory: str
    action: str
    actor: Actor
    occurred_at: dt.datetime | None = None
    object_type: str = ""
    object_id: str = ""
    object_label: str = ""
    url: str = ""
    ip: str | None = None
    user_agent: str = ""
    login_type: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    actor_email: str | None = None  # snapshot override, e.g. the attempted email of a failed login
    actor_team_ids: list[int] | None = None  # snapshot override for bulk loads

    @classmethod
    def of_own_change(
        cls, *, user: User, category: str, subcategory: str, action: str,
        metadata: dict[str, Any], ip: str | None, user_agent: str, url: str,
    ) -> EventInput:  # fmt: skip
        """A change a person makes to what is theirs (preferences, alerts, sign-in security): they
        are both the actor and the object."""
        return cls(
            category=category,
            subcategory=subcategory,
            action=action,
            actor=Actor.of_user(user),
            object_type="user",
            object_id=str(user.pk),
            object_label=user.full_name or user.email,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata=metadata,
        )


def _validated(entry: EventInput) -> None:
    try:
        catalog.validate(
            category_code=entry.category,
            subcategory_code=entry.subcategory,
            action_code=entry.action,
        )
    except catalog.UnknownEntry as exc:
        raise InvalidEvent(exc.field_name, str(exc)) from exc
    entry.actor.validate()
    if entry.occurred_at is not None and timezone.is_naive(entry.occurred_at):
        raise InvalidEvent("occurred_at", "must carry a time zone")


def _row(*, account: Account, entry: EventInput, team_ids: list[int]) -> dict[str, Any]:
    actor = entry.actor
    location = locate(entry.ip)
    device = parse_user_agent(entry.user_agent)
    person = actor.user
    return {
        "account_id": account.pk,
        "occurred_at": entry.occurred_at or timezone.now(),
        "category": entry.category,
        "subcategory": entry.subcategory,
        "action": entry.action,
        "actor_type": actor.type,
        "actor_user_id": person.pk if person else None,
        "actor_employee_id": actor.employee.pk if actor.employee else None,
        "actor_integration": actor.integration,
        "actor_email": entry.actor_email
        or (person.email if person else actor.employee.email if actor.employee else ""),
        "actor_name": (
            person.full_name if person else actor.employee.full_name if actor.employee else ""
        ),
        "actor_department": actor.employee.department if actor.employee else "",
        "actor_team_ids": team_ids,
        "object_type": entry.object_type,
        "object_id": str(entry.object_id or ""),
        "object_label": entry.object_label[:255],
        "url": entry.url[:2000],
        "ip_address": location.ip_address,
        "country_code": location.country_code,
        "country": location.country,
        "region": location.region,
        "city": location.city,
        "login_type": entry.login_type,
        # PostgreSQL text cannot hold NUL; a hostile user agent must not lose the event.
        "user_agent": (entry.user_agent or "").replace("\x00", ""),
        "browser": device.browser,
        "os": device.os,
        "device": device.device,
        "metadata": _stored_json(entry.metadata or {}),
    }


def _stored_json(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata as the database will give it back (tuples as lists, keys as strings), which
    is what its hash must cover; what JSON cannot hold is refused."""
    try:
        return json.loads(json.dumps(metadata, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidEvent("metadata", str(exc)) from exc


def _linked(row: dict[str, Any], *, seq: int, prev: str) -> dict[str, Any]:
    """The row as the next link of the chain: its seq and its hash over `prev` and every field."""
    linked = {**row, "seq": seq}
    try:
        linked["hash"] = event_hash(prev, event_canonical(linked))
    except ValueError as exc:  # a number no JSON double holds, e.g. 10**400
        raise InvalidEvent("metadata", str(exc)) from exc
    return linked


def event_record(*, account: Account, entry: EventInput) -> Event:
    """Record one event in the caller's transaction as the next link of the account's chain;
    unknown catalog entries or actors raise."""
    _validated(entry)
    team_ids = entry.actor_team_ids
    if team_ids is None:
        team_ids = team_ids_of(account=account, user=entry.actor.user) if entry.actor.user else []
    row = _row(account=account, entry=entry, team_ids=team_ids)
    with transaction.atomic():
        # The account's writers queue here until this transaction ends (auditlog/integrity).
        lock = chain_lock(account_id=account.pk, ids=1, addresses=[row["ip_address"]])
        row.update(id=lock.ids[0], recorded_at=lock.now, ip_address=lock.hosts[0])
        row = _linked(row, seq=lock.last_seq + 1, prev=lock.last_hash)
        event = Event(**row)
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except DatabaseError as exc:
            if "no partition" not in str(exc):
                raise
            # An event for a month with no partition yet (a backfill, or maintenance not run).
            partition_ensure(row["occurred_at"])
            event.save(force_insert=True)
        chain_advance(account_id=account.pk, last_seq=row["seq"], last_hash=row["hash"])
    event_recorded.send(sender=Event, account=account, event=event)
    return event


COPY_COLUMNS = (
    "account_id",
    "occurred_at",
    "category",
    "subcategory",
    "action",
    "actor_type",
    "actor_user_id",
    "actor_employee_id",
    "actor_integration",
    "actor_email",
    "actor_name",
    "actor_department",
    "actor_team_ids",
    "object_type",
    "object_id",
    "object_label",
    "url",
    "ip_address",
    "country_code",
    "country",
    "region",
    "city",
    "login_type",
    "user_agent",
    "browser",
    "os",
    "device",
    "metadata",
)


def events_bulk_load(*, account: Account, entries: Iterable[EventInput]) -> int:
    """Record many events of one account through COPY, with the same validation and enrichment."""
    team_cache: dict[int, list[int]] = {}
    rows = []
    oldest: dt.datetime | None = None
    newest: dt.datetime | None = None
    for entry in entries:
        _validated(entry)
        team_ids = entry.actor_team_ids
        if team_ids is None and entry.actor.user is not None:
            uid = entry.actor.user.pk
            if uid not in team_cache:
                team_cache[uid] = team_ids_of(account=account, user=entry.actor.user)
            team_ids = team_cache[uid]
        row = _row(account=account, entry=entry, team_ids=team_ids or [])
        when = row["occurred_at"]
        oldest = when if oldest is None or when < oldest else oldest
        newest = when if newest is None or when > newest else newest
        rows.append(row)
    if oldest is None or newest is None:  # no entries
        return 0
    partitions_ensure_range(oldest.date(), newest.date())
    copy_rows(rows)
    return len(rows)


# What copy_rows writes: the enriched columns and each row's place in its account's chain.
CHAINED_COPY_COLUMNS = ("id", "recorded_at", *COPY_COLUMNS, "seq", "hash")


def copy_rows(rows: Iterable[dict[str, Any]]) -> None:
    """COPY already enriched rows into the partitioned event table (rows are routed by month),
    each account's rows chained in time order under one lock of its chain head."""
    by_account: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_account.setdefault(row["account_id"], []).append(row)
    with transaction.atomic():
        linked_rows, heads = [], []
        # Heads are locked in account order, so two loads never wait for each other in a circle.
        for account_id in sorted(by_account):
            batch = sorted(by_account[account_id], key=lambda row: row["occurred_at"])
            addresses = sorted({row["ip_address"] for row in batch if row["ip_address"]})
            lock = chain_lock(account_id=account_id, ids=len(batch), addresses=addresses)
            hosts = dict(zip(addresses, lock.hosts, strict=True))
            seq, prev = lock.last_seq, lock.last_hash
            for row, event_id in zip(batch, lock.ids, strict=True):
                seq += 1
                linked = _linked(
                    {
                        **row,
                        "id": event_id,
                        "recorded_at": lock.now,
                        "ip_address": hosts.get(row["ip_address"]),
                        "metadata": _stored_json(row["metadata"]),
                    },
                    seq=seq,
                    prev=prev,
                )
                prev = linked["hash"].hex()
                linked_rows.append(linked)
            heads.append((account_id, seq, linked_rows[-1]["hash"]))
        columns = ", ".join(CHAINED_COPY_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY auditlog_event ({columns}) FROM STDIN") as copy:
                for linked in linked_rows:
                    linked["metadata"] = json.dumps(linked["metadata"])
                    copy.write_row([linked[name] for name in CHAINED_COPY_COLUMNS])
        for account_id, last_seq, last_hash in heads:
            chain_advance(account_id=account_id, last_seq=last_seq, last_hash=last_hash)


def partitions_maintain(*, today: dt.date | None = None) -> dict[str, list[str]]:
    """Create partitions ahead of time and drop those past the longest retention."""
    today = today or timezone.now().date()
    ahead = today + dt.timedelta(days=31 * settings.AUDIT_PARTITIONS_AHEAD)
    created = partitions_ensure_range(today, ahead)
    longest = max(settings.AUDIT_RETENTION_DAYS.values())
    dropped = partitions_drop_before(today - dt.timedelta(days=longest))
    return {"created": created, "dropped": dropped}


def retention_floor(
    *, account: Account, entitlements: Entitlements | None = None, now: dt.datetime | None = None
) -> dt.datetime:
    """The oldest moment the account's tier still shows (shorter tiers are cut when reading)."""
    tier = (entitlements or entitlements_for(account=account)).audit_tier
    days = settings.AUDIT_RETENTION_DAYS[Tier(tier).name.lower()]
    return (now or timezone.now()) - dt.timedelta(days=days)


def log_view_record(
    *,
    account: Account,
    user: User,
    view_key: str,
    filters: dict[str, Any],
    ip: str | None,
    user_agent: str,
    url: str,
    view_name: str = "",
) -> Event:
    """Record that a person opened the audit log with a view and filters (self-audit)."""
    return event_record(
        account=account,
        entry=EventInput(
            category="audit_logs",
            subcategory="log_view",
            action="view",
            actor=Actor.of_user(user),
            object_type="audit_log_view",
            object_id=view_key,
            object_label=view_name or view_key,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata={"view": view_key, "view_name": view_name or view_key, "filters": filters},
        ),
    )
