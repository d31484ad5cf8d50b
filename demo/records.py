"""Demo CRM records: realistic properties, associations and a soft-delete history (SPEC S6)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import connection

from accounts.models import Account, Tier, User
from crm.models import Association, ObjectType, Record
from demo import data
from demo.clock import Clock

DAY = dt.timedelta(days=1)


@dataclass
class RecordPlan:
    """What happened to a record in the demo's history, so that events can tell the same story."""

    record: Record
    owner: User
    created_at: dt.datetime
    deleted_at: dt.datetime | None = None
    deleted_by: User | None = None
    # A record deleted and later restored: it is alive, and the log shows both.
    restored_delete: tuple[dt.datetime, User] | None = None
    restored_at: dt.datetime | None = None


def record_url(*, account_id: int, record_id: int) -> str:
    return f"/a/{account_id}/crm/records/{record_id}/"


def _slug(name: str) -> str:
    keep = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in keep.split("-") if part)


class _Names:
    """Realistic, deterministic names and properties for one account's records."""

    def __init__(self, rng: random.Random, owners: list[User], home: str) -> None:
        self.rng = rng
        self.owners = owners
        self.home = home
        self.companies: list[tuple[str, str, str]] = []  # name, domain, country
        self._seen: set[str] = set()

    def country(self) -> str:
        # Accounts trade mostly at home, some abroad.
        if self.rng.random() < 0.6:
            return self.home
        return self.rng.choice(tuple(data.COUNTRY_CITIES))

    def company(self) -> dict:
        rng = self.rng
        while True:
            stem, kind = rng.choice(data.COMPANY_STEMS), rng.choice(data.COMPANY_KINDS)
            country = self.country()
            name = f"{stem} {kind} {data.COMPANY_SUFFIXES[country]}"
            if name not in self._seen:
                break
        self._seen.add(name)
        domain = f"{_slug(stem + ' ' + kind).replace('-', '')}.example"
        self.companies.append((name, domain, country))
        return {
            "name": name,
            "domain": domain,
            "industry": rng.choice(data.INDUSTRIES),
            "city": rng.choice(data.COUNTRY_CITIES[country]),
            "country": country,
            "numberofemployees": rng.choice((8, 15, 30, 45, 80, 120, 250, 600, 1400)),
            "annualrevenue": rng.randrange(5, 900) * 100_000,
            "owner": rng.choice(self.owners).email,
        }

    def contact(self) -> dict:
        rng = self.rng
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        company, domain, country = (
            rng.choice(self.companies) if self.companies else ("", "example.com", self.home)
        )
        local = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("ë", "e")
        local = local.replace("á", "a").replace("í", "i").replace("ó", "o")
        return {
            "firstname": first,
            "lastname": last,
            "email": f"{local}@{domain}",
            "phone": _phone(rng, country),
            "jobtitle": rng.choice(data.JOB_TITLES),
            "company": company,
            "city": rng.choice(data.COUNTRY_CITIES[country]),
            "country": country,
            "lifecyclestage": rng.choice(data.LIFECYCLE_STAGES),
            "lead_status": rng.choice(data.LEAD_STATUSES),
            "owner": rng.choice(self.owners).email,
        }

    def deal(self, currency: str) -> dict:
        rng = self.rng
        company = rng.choice(self.companies)[0] if self.companies else "Unknown company"
        short = company.rsplit(" ", 1)[0]
        return {
            "dealname": f"{short} - {rng.choice(data.DEAL_PRODUCTS)}",
            "amount": rng.randrange(12, 600) * 250,
            "currency": currency,
            "pipeline": "Sales pipeline",
            "dealstage": rng.choice(data.DEAL_STAGES),
            "closedate": f"2026-{rng.randrange(7, 13):02d}-{rng.randrange(1, 29):02d}",
            "owner": rng.choice(self.owners).email,
        }

    def ticket(self) -> dict:
        rng = self.rng
        subject = rng.choice(data.TICKET_SUBJECTS).format(n=rng.randrange(20_000, 99_999))
        return {
            "subject": subject,
            "status": rng.choice(data.TICKET_STATUSES),
            "priority": rng.choices(data.TICKET_PRIORITIES, weights=(4, 6, 3, 1))[0],
            "pipeline": "Support pipeline",
            "source": rng.choice(("Email", "Chat", "Phone", "Form")),
            "owner": rng.choice(self.owners).email,
        }

    def custom(self, type_name: str, number: int) -> dict:
        rng = self.rng
        if type_name == "Shipment":
            origin, destination = rng.sample(data.PORTS, 2)
            return {
                "name": f"Shipment NW-{number}",
                "carrier": rng.choice(data.CARRIERS),
                "status": rng.choice(data.SHIPMENT_STATUSES),
                "origin": origin,
                "destination": destination,
                "weight_kg": rng.randrange(80, 24_000),
            }
        if type_name == "Project":
            return {
                "name": f"Project {rng.choice(data.COMPANY_STEMS)} {number % 1000}",
                "status": rng.choice(("Planned", "Active", "On hold", "Done")),
                "budget": rng.randrange(10, 400) * 1000,
            }
        return {
            "name": f"TPS report {number}",
            "cover_sheet": rng.choice((True, True, False)),
            "status": rng.choice(("Draft", "Submitted", "Approved")),
        }


def _phone(rng: random.Random, country: str) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    prefix = {
        "NL": "+31 6",
        "DE": "+49 30",
        "GB": "+44 20",
        "US": "+1 212",
        "FR": "+33 1",
        "BE": "+32 2",
    }[country]
    return f"{prefix} {digits[:4]} {digits[4:]}"


def _label(object_type: str, props: dict) -> str:
    if object_type == ObjectType.CONTACT:
        return f"{props['firstname']} {props['lastname']}"
    if object_type == ObjectType.COMPANY:
        return props["name"]
    if object_type == ObjectType.DEAL:
        return props["dealname"]
    if object_type == ObjectType.TICKET:
        return props["subject"]
    return props["name"]


def records_seed(
    *,
    account: Account,
    spec: data.AccountSpec,
    people: dict[str, User],
    rng: random.Random,
    now: dt.datetime,
    window_days: int,
) -> list[RecordPlan]:
    """Create the account's demo records, associations and deletions; returns their history."""
    active = [people[p.email] for p in spec.people if p.deactivated_days_ago is None]
    home = {"Europe/Amsterdam": "NL"}.get(spec.time_zone, "US")
    names = _Names(rng, active, home)
    clock = Clock(time_zone=spec.time_zone, now=now, rng=rng)
    enterprise = max(spec.tiers.values()) == Tier.ENTERPRISE
    old_share = 0.55 if enterprise else 0.85
    currency = "EUR" if home == "NL" else "USD"
    order = (
        ObjectType.COMPANY,
        ObjectType.CONTACT,
        ObjectType.DEAL,
        ObjectType.TICKET,
        ObjectType.CUSTOM,
    )
    plans: list[RecordPlan] = []
    for object_type in order:
        for n in range(spec.record_counts[object_type]):
            if object_type == ObjectType.COMPANY:
                props = names.company()
            elif object_type == ObjectType.CONTACT:
                props = names.contact()
            elif object_type == ObjectType.DEAL:
                props = names.deal(currency)
            elif object_type == ObjectType.TICKET:
                props = names.ticket()
            else:
                props = names.custom(spec.custom_type_name, 10_000 + n * 7)
            record = Record(
                account=account,
                object_type=object_type,
                custom_type_name=spec.custom_type_name if object_type == ObjectType.CUSTOM else "",
                label=_label(object_type, props),
                properties=props,
            )
            # Most records predate the log's window; the rest are created inside it (and logged).
            # Smaller accounts grow more slowly.
            if rng.random() < old_share:
                created = clock.at(rng.uniform(window_days + 1, 720))
            else:
                created = clock.at(rng.uniform(0.2, window_days - 0.5))
            owner = next((u for u in active if u.email == props.get("owner")), None)
            plans.append(
                RecordPlan(record=record, owner=owner or rng.choice(active), created_at=created)
            )
    _plan_deletions(
        plans,
        active=active,
        rng=rng,
        clock=clock,
        window_days=window_days,
        enterprise=enterprise,
    )

    Record.objects.bulk_create([p.record for p in plans], batch_size=1000)
    _stamp(account=account, plans=plans)
    _associate(account=account, plans=plans, rng=rng)
    return plans


def _plan_deletions(
    plans: list[RecordPlan],
    *,
    active: list[User],
    rng: random.Random,
    clock: Clock,
    window_days: int,
    enterprise: bool,
) -> None:
    """Some records deleted less than 90 days ago (restorable), some more (past restore), some
    deleted and restored; plus one clean-up burst of duplicate contacts."""
    old = [p for p in plans if p.created_at < clock.now - dt.timedelta(days=window_days)]
    rng.shuffle(old)
    total = len(plans)
    recent, expired = int(total * 0.04), int(total * 0.018)
    # Only Enterprise restores (SPEC S1), so only there were records deleted and restored.
    restored = int(total * 0.015) if enterprise else 0
    for plan in old[:recent]:
        plan.deleted_at = clock.at(rng.uniform(0.5, 86))
        plan.deleted_by = rng.choice(active)
    for plan in old[recent : recent + expired]:
        plan.deleted_at = clock.at(rng.uniform(91, window_days - 1))
        plan.deleted_by = rng.choice(active)
    for plan in old[recent + expired : recent + expired + restored]:
        deleted = clock.at(rng.uniform(3, window_days - 5))
        plan.restored_delete = (deleted, rng.choice(active))
        plan.restored_at = deleted + dt.timedelta(hours=rng.uniform(0.1, 5))
    # A clean-up: one person deletes a dozen duplicate contacts within a few minutes.
    cleaner = active[min(3, len(active) - 1)]
    burst_start = clock.at(12, 10.4)
    contacts = [
        p for p in old[recent + expired + restored :] if p.record.object_type == ObjectType.CONTACT
    ][: max(3, total // 100)]
    for i, plan in enumerate(contacts):
        plan.deleted_at = burst_start + dt.timedelta(seconds=17 * i + rng.uniform(0, 12))
        plan.deleted_by = cleaner
    for plan in plans:
        plan.record.deleted_at = plan.deleted_at
        plan.record.deleted_by = plan.deleted_by


def _stamp(*, account: Account, plans: list[RecordPlan]) -> None:
    """Back-date created_at/updated_at, which auto_now_add/auto_now set to now on insert."""
    ids = [p.record.id for p in plans]
    created = [p.created_at for p in plans]
    updated = [p.deleted_at or p.restored_at or p.created_at for p in plans]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE crm_record AS r SET created_at = v.created_at, updated_at = v.updated_at
            FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[])
                AS v(id, created_at, updated_at)
            WHERE r.account_id = %s AND r.id = v.id
            """,
            [ids, created, updated, account.pk],
        )
    for plan, when in zip(plans, updated, strict=True):
        plan.record.created_at = plan.created_at
        plan.record.updated_at = when


def _associate(*, account: Account, plans: list[RecordPlan], rng: random.Random) -> None:
    by_type: dict[str, list[Record]] = {}
    for plan in plans:
        by_type.setdefault(plan.record.object_type, []).append(plan.record)
    companies = by_type.get(ObjectType.COMPANY, [])
    contacts = by_type.get(ObjectType.CONTACT, [])
    company_by_name = {c.label: c for c in companies}
    links: dict[tuple[int, int, str], None] = {}

    def link(source: Record, target: Record, label: str) -> None:
        links[(source.id, target.id, label)] = None

    for contact in contacts:
        company = company_by_name.get(contact.properties.get("company", ""))
        if company is not None:
            link(contact, company, "Primary company")
    for deal in by_type.get(ObjectType.DEAL, []):
        if companies:
            link(deal, rng.choice(companies), "Deal company")
        for contact in rng.sample(contacts, k=min(len(contacts), rng.choice((1, 1, 2, 3)))):
            link(deal, contact, rng.choice(("Decision maker", "Contact", "Champion")))
    for ticket in by_type.get(ObjectType.TICKET, []):
        if contacts:
            link(ticket, rng.choice(contacts), "Requester")
    for custom in by_type.get(ObjectType.CUSTOM, []):
        if companies:
            link(custom, rng.choice(companies), "Customer")
    Association.objects.bulk_create(
        [
            Association(account=account, from_record_id=a, to_record_id=b, label=label)
            for a, b, label in links
        ],
        batch_size=2000,
    )


def records_history(*, account: Account) -> list[RecordPlan]:
    """The history of records that already exist (a re-run): creation and deletion only."""
    plans = []
    records = Record.objects.filter(account=account).select_related("deleted_by").order_by("id")
    owners = {u.email: u for u in User.objects.filter(memberships__account=account)}
    fallback = next(iter(owners.values()), None)
    for record in records:
        owner = owners.get(record.properties.get("owner", ""), fallback)
        if owner is None:
            continue
        plans.append(
            RecordPlan(
                record=record,
                owner=owner,
                created_at=record.created_at,
                deleted_at=record.deleted_at,
                deleted_by=record.deleted_by or (owner if record.deleted_at else None),
            )
        )
    return plans
