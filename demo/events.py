"""Demo events: what the people of one account did over the last months, in time order.

Three sources are merged by time: the story the records tell (created, deleted, restored), a few
scripted moments (SSO switched on, admin rights removed, a day of many exports, a password-guessing
burst), employee sign-ins, and a stream of everyday activity drawn from weighted templates. Every
platform category and subcategory of the catalog appears at least once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Account, Employee, Role, Tier, User
from auditlog import catalog
from auditlog.services import Actor, EventInput
from crm.models import ObjectType, Record
from demo import data
from demo.clock import Clock
from demo.records import RecordPlan, record_url

SALESFORCE = "Salesforce sync"
EMPLOYEE_LOGIN_TYPE = "Employee access"


@dataclass
class Person:
    """A member as the log sees them: who, their teams, and their habits (addresses, devices)."""

    user: User
    role: str
    team_ids: list[int]
    ips: tuple[str, ...]
    agents: tuple[str, ...]  # usual desktop, usual phone
    login_type: str
    weight: float
    active_until: dt.datetime | None = None
    # Business trips: (start, end, address); everything in between comes from there.
    trips: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.actor = Actor.of_user(self.user)
        self.is_admin = self.role in (Role.SUPER_ADMIN, Role.ADMIN)
        self.is_super_admin = self.role == Role.SUPER_ADMIN


@dataclass
class Staff:
    employee: Employee
    ip: str
    agent: str

    def __post_init__(self) -> None:
        self.actor = Actor.of_employee(self.employee)


def _stable_id(kind: str, name: str) -> str:
    """A stable numeric id for things outside the CRM (workflows, lists, pages…)."""
    return str(1000 + zlib.crc32(f"{kind}:{name}".encode()) % 900_000)


class AccountStory:
    """Generates one account's events in time order."""

    def __init__(
        self,
        *,
        account: Account,
        spec: data.AccountSpec,
        people: list[Person],
        staff: list[Staff],
        plans: list[RecordPlan],
        rng: random.Random,
        now: dt.datetime,
        window_days: int,
    ) -> None:
        self.account = account
        self.spec = spec
        self.people = people
        self.admins = [p for p in people if p.is_admin] or people
        self.super_admins = [p for p in people if p.is_super_admin] or self.admins
        self.staff = staff
        self.rng = rng
        self.now = now
        self.window_days = window_days
        self.start = now - dt.timedelta(days=window_days)
        self.clock = Clock(time_zone=spec.time_zone, now=now, rng=rng)
        self.tz = self.clock.tz
        self.enterprise = max(spec.tiers.values()) == Tier.ENTERPRISE
        self._person_cum = list(itertools.accumulate(p.weight for p in people))
        for person in people:
            for _ in range(rng.choice((1, 2, 2, 3))):
                leave = now - dt.timedelta(days=rng.uniform(2, window_days))
                back = leave + dt.timedelta(days=rng.uniform(1.5, 5))
                person.trips.append((leave, back, rng.choice(data.IPS_ELSEWHERE)))
        self.by_email = {p.user.email: p for p in people}
        self.owner_emails = [p.user.email for p in people if p.active_until is None]
        self.domain = people[0].user.email.split("@")[1]
        # Records by type with the span in which each is alive, for picking plausible objects.
        self.records: dict[str, list[tuple[Record, dt.datetime, dt.datetime | None]]] = {}
        for plan in plans:
            self.records.setdefault(plan.record.object_type, []).append(
                (plan.record, plan.created_at, plan.deleted_at)
            )
        self.plans = plans
        # Restore events and the moment of the deletion they undo (see record_history).
        self.pending_restores: list[tuple[EventInput, dt.datetime]] = []
        self._templates = self._template_table()
        self._template_cum = list(itertools.accumulate(row[0] for row in self._templates))

    # --- the whole story ------------------------------------------------------------------

    def events(self, *, total: int) -> Iterator[EventInput]:
        """About `total` events, oldest first (scripted ones plus an everyday stream)."""
        scripted = self.scripted(total=total)
        scripted.sort(key=_when)
        budget = max(0, total - len(scripted) - len(self.pending_restores))
        return heapq.merge(scripted, self.stream(budget), key=_when)

    def scripted(self, *, total: int) -> list[EventInput]:
        found: list[EventInput] = []
        found += self.record_history()
        found += self.employee_visits(visits=min(150, max(12, total // 500)))
        found += self.moments()
        found += self.coverage()
        return [
            e
            for e in found
            if e.occurred_at is not None and self.start <= e.occurred_at <= self.now
        ]

    # --- time -----------------------------------------------------------------------------

    def at(self, days_ago: float, hour: float | None = None) -> dt.datetime:
        return self.clock.at(days_ago, hour)

    def _day_weights(self) -> list[tuple[dt.datetime, float]]:
        rng = self.rng
        first = self.start.astimezone(self.tz).date()
        last = self.now.astimezone(self.tz).date()
        days = []
        day = first
        n = (last - first).days or 1
        while day <= last:
            weekday = day.weekday()
            weight = 1.0 if weekday < 5 else (0.16 if weekday == 5 else 0.1)
            weight *= 0.85 + 0.3 * (day - first).days / n  # the account grows
            weight *= rng.uniform(0.85, 1.15)
            days.append((self.clock.midnight(day), weight))
            day += dt.timedelta(days=1)
        return days

    # --- the everyday stream --------------------------------------------------------------

    def stream(self, budget: int) -> Iterator[EventInput]:
        if budget <= 0:
            return
        days = self._day_weights()
        total_weight = sum(w for _, w in days)
        exact = [budget * w / total_weight for _, w in days]
        counts = [int(x) for x in exact]
        # Hand the rounding remainder to the days that lost most to it.
        short = budget - sum(counts)
        for i in sorted(range(len(days)), key=lambda i: counts[i] - exact[i])[:short]:
            counts[i] += 1
        rng = self.rng
        templates, cum, top = self._templates, self._template_cum, self._template_cum[-1]
        for (midnight, _), count in zip(days, counts, strict=True):
            office_seconds = self.clock.office_seconds
            moments = sorted(office_seconds() for _ in range(count))
            for seconds in moments:
                when = midnight + dt.timedelta(seconds=seconds)
                if when < self.start or when > self.now:
                    # Outside the window (before its start on the first day, later than now on
                    # the last): somewhere in the part of that day that lies inside it instead.
                    low = max(midnight, self.start)
                    high = min(midnight + dt.timedelta(days=1), self.now)
                    when = low + (high - low) * rng.random()
                _, who, _, build = templates[bisect.bisect_left(cum, rng.random() * top)]
                yield build(when, self.pick(who, when))

    def pick(self, who: str, when: dt.datetime) -> Person:
        """Someone who may do this, still a member at `when`, chosen by how active they are."""
        rng = self.rng
        for _ in range(6):
            if who == "any":
                person = self.people[
                    bisect.bisect_left(self._person_cum, rng.random() * self._person_cum[-1])
                ]
            elif who == "admin":
                person = rng.choice(self.admins)
            else:
                person = rng.choice(self.super_admins)
            if person.active_until is None or when < person.active_until:
                return person
        return self.super_admins[0]

    def _template_table(self) -> list[tuple[float, str, str, Callable[..., EventInput]]]:
        # Weights of the categories in an Enterprise account's everyday activity.
        table: list[tuple[float, str, str, Callable[..., EventInput]]] = [
            (0.16, "any", "login", self.login),
            (0.035, "any", "security_activity", self.security),
            (0.015, "any", "approvals", self.approvals),
            (0.03, "any", "communication_preferences", self.communication_preferences),
            (0.06, "any", "content_activity", self.content_activity),
            (0.24, "any", "crm_objects", self.crm_objects),
            (0.05, "any", "crm_object_association", self.crm_object_association),
            (0.003, "admin", "crm_association_definition", self.crm_association_definition),
            (0.012, "any", "custom_object_association", self.custom_object_association),
            (0.008, "admin", "customer_agent", self.customer_agent),
            (0.006, "any", "privacy_requests", self.privacy_requests),
            (0.04, "any", "lists", self.lists),
            (0.04, "any", "meetings", self.meetings),
            (0.003, "super", "multi_account", self.multi_account),
            (0.008, "admin", "pipeline_changes", self.pipeline_changes),
            (0.015, "admin", "property_updates", self.property_updates),
            (0.12, "any", "value_updates", self.value_updates),
            (0.004, "admin", "record_creation_form", self.record_creation_form),
            (0.05, "any", "salesforce_activity", self.salesforce_activity),
            (0.012, "any", "sensitive_properties", self.sensitive_properties),
            (0.02, "any", "settings", self.settings),
            (0.03, "any", "workflows", self.workflows),
        ]
        if not self.enterprise:
            # Smaller accounts: mostly sign-ins and security activity (all their tier shows).
            other = sum(row[0] for row in table[2:])
            basic = self.spec.basic_share * other / (1 - self.spec.basic_share)
            table[0] = (basic * 0.85, "any", "login", self.login)
            table[1] = (basic * 0.15, "any", "security_activity", self.security)
        return table

    # --- building one event -----------------------------------------------------------------

    def _where(self, person: Person, when: dt.datetime) -> tuple[str, str]:
        """The usual address and desktop; sometimes home and phone; abroad on a trip."""
        rng = self.rng
        for leave, back, address in person.trips:
            if leave <= when < back:
                return address, person.agents[-1] if rng.random() < 0.5 else person.agents[0]
        roll = rng.random()
        if roll < 0.75:
            ip = person.ips[0]
        elif roll < 0.997:
            ip = person.ips[-1]
        else:
            ip = rng.choice(data.IPS_UNRESOLVABLE)
        mobile = rng.random() < (0.06 if ip == person.ips[0] else 0.35)
        return ip, person.agents[-1] if mobile else person.agents[0]

    def ev(
        self,
        when: dt.datetime,
        person: Person,
        category: str,
        subcategory: str,
        action: str,
        *,
        obj: tuple[str, str, str] = ("", "", ""),
        url: str = "",
        metadata: dict[str, Any] | None = None,
        login_type: str = "",
    ) -> EventInput:
        ip, agent = self._where(person, when)
        return EventInput(
            category=category,
            subcategory=subcategory,
            action=action,
            actor=person.actor,
            occurred_at=when,
            object_type=obj[0],
            object_id=obj[1],
            object_label=obj[2],
            url=url,
            ip=ip,
            user_agent=agent,
            login_type=login_type,
            metadata=metadata or {},
            actor_team_ids=person.team_ids,
        )

    def record_obj(self, record: Record) -> tuple[tuple[str, str, str], str]:
        return (
            (record.object_type, str(record.id), record.label),
            record_url(account_id=self.account.pk, record_id=record.id),
        )

    def alive(self, object_type: str, when: dt.datetime) -> Record | None:
        """A record of the type that exists at `when` (created before, not yet deleted)."""
        pool = self.records.get(object_type)
        if not pool:
            return None
        rng = self.rng
        for _ in range(8):
            record, created, gone = rng.choice(pool)
            if created <= when and (gone is None or when < gone):
                return record
        return None

    def any_record(self, when: dt.datetime, types: tuple[str, ...] = ()) -> Record | None:
        types = types or (ObjectType.CONTACT, ObjectType.COMPANY, ObjectType.DEAL)
        for _ in range(4):
            record = self.alive(self.rng.choice(types), when)
            if record is not None:
                return record
        return None

    def named(self, kind: str, names: tuple[str, ...]) -> tuple[str, str, str]:
        name = self.rng.choice(names)
        return (kind, _stable_id(kind, name), name)

    # --- templates, one per category (sub = force a subcategory) -------------------------------

    def login(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("login_succeeded", "logout", "login_failed"), (70, 24, 6))[0]
        if sub == "login_succeeded":
            return self.ev(
                when,
                person,
                "login",
                sub,
                "login",
                url="/login/",
                login_type=person.login_type,
                metadata={
                    "details": {
                        "two_factor": rng.choice(("Authenticator app", "Authenticator app", "SMS")),
                        "remember_me": rng.random() < 0.4,
                    }
                },
            )
        if sub == "logout":
            reason = "Signed out" if rng.random() < 0.6 else "Session expired"
            return self.ev(
                when,
                person,
                "login",
                sub,
                "logout",
                url="/logout/",
                login_type=person.login_type,
                metadata={"details": {"reason": reason}},
            )
        event = self.ev(
            when,
            person,
            "login",
            "login_failed",
            "login",
            url="/login/",
            login_type="Email and password",
            metadata={
                "attempted_email": person.user.email,
                "details": {
                    "reason": rng.choice(
                        ("Wrong password", "Wrong password", "Two-factor code rejected")
                    )
                },
            },
        )
        event.actor_email = person.user.email
        return event

    def security(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        choices = (
            ("export", 24),
            ("import", 14),
            ("two_factor", 8),
            ("email_tracking", 8),
            ("attachment_logging", 5),
            ("manual_email", 9),
            ("never_log", 6),
            ("contact_permanent_delete", 6),
            ("integration", 4),
            ("user", 5),
            ("sandbox", 3),
            ("user_status", 0.6),
            ("impersonation", 1.2),
            ("payments", 1.5),
        )
        # SSO, login settings and employee access change once in a while: scripted, not here.
        if sub is None:
            sub = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        needs_admin = sub not in (
            "export",
            "import",
            "two_factor",
            "email_tracking",
            "attachment_logging",
            "password_reset",
        )
        if needs_admin and not person.is_admin:
            person = self.pick("admin", when)
        if (
            sub
            in (
                "sso",
                "login_settings",
                "employee_access",
                "payments",
                "admin_rights",
                "impersonation",
                "super_admin_rights",
                "audit_log_access",
                "invitation",
                "team",
            )
            and not person.is_super_admin
        ):
            person = self.pick("super", when)
        ev = self.ev
        cat = "security_activity"
        domain = self.domain
        if sub == "export":
            what = rng.choice(("Contacts", "Contacts", "Companies", "Deals", "Users"))
            rows = rng.randrange(40, 9000)
            return ev(
                when,
                person,
                cat,
                sub,
                "export",
                obj=("crm_export", str(rng.randrange(10_000, 99_999)), f"{what} export"),
                url=f"/{what.lower()}/views/all",
                metadata={
                    "details": {
                        "object": what,
                        "rows": rows,
                        "format": rng.choice(("CSV", "XLSX")),
                        "view": rng.choice(("All", "My", "Recently updated")),
                    }
                },
            )
        if sub == "import":
            what = rng.choice(("Contacts", "Companies", "Deals"))
            rows = rng.randrange(20, 4000)
            name = f"{what.lower()}-{when:%Y-%m-%d}.csv"
            return ev(
                when,
                person,
                cat,
                sub,
                "import",
                obj=("import", str(rng.randrange(10_000, 99_999)), name),
                url="/import",
                metadata={
                    "details": {
                        "object": what,
                        "file": name,
                        "rows": rows,
                        "created": rows * 2 // 3,
                        "updated": rows // 3,
                        "errors": rng.choice((0, 0, 0, 2, 11)),
                    }
                },
            )
        if sub == "two_factor":
            everyone = person.is_super_admin and rng.random() < 0.2
            action = "enable" if everyone or rng.random() < 0.8 else "disable"
            subject = (
                ("account", str(self.account.pk), self.account.name)
                if everyone
                else ("user", str(person.user.pk), person.user.email)
            )
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=subject,
                url="/settings/security/2fa",
                metadata={
                    "details": {
                        "scope": "All users" if everyone else "Own account",
                        "method": rng.choice(("Authenticator app", "SMS")),
                    }
                },
            )
        if sub in ("email_tracking", "attachment_logging"):
            action = rng.choice(("enable", "disable"))
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=("user", str(person.user.pk), person.user.email),
                url="/settings/email",
                metadata={
                    "property": sub,
                    "before": action == "disable",
                    "after": action == "enable",
                },
            )
        if sub == "manual_email":
            recipient = self.pick("any", when).user
            kind = rng.choice(("Password reset", "Registration"))
            return ev(
                when,
                person,
                cat,
                sub,
                "send",
                obj=("user", str(recipient.pk), recipient.email),
                url=f"/settings/users/{recipient.pk}",
                metadata={"details": {"email_type": kind, "recipient": recipient.email}},
            )
        if sub == "password_reset":
            # A person's own reset by email: the link sent, or the new password chosen with it.
            action = rng.choice(("send", "update"))
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=("user", str(person.user.pk), person.user.full_name or person.user.email),
                url="/password-reset/",
                metadata={"recipient": person.user.email} if action == "send" else {},
            )
        if sub == "never_log":
            address = f"{rng.choice(('legal', 'hr', 'board', 'payroll', 'ceo'))}@{domain}"
            return ev(
                when,
                person,
                cat,
                sub,
                rng.choice(("add", "add", "remove")),
                obj=("email_address", _stable_id("never_log", address), address),
                url="/settings/email/never-log",
            )
        if sub == "contact_permanent_delete":
            name = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
            return ev(
                when,
                person,
                cat,
                sub,
                "delete",
                obj=("contact", str(rng.randrange(5_000_000, 5_900_000)), name),
                url="/contacts/recycling-bin",
                metadata={
                    "details": {
                        "reason": rng.choice(("GDPR erasure request", "Duplicate", "Test record")),
                        "deleted_from": "Recycling bin",
                    }
                },
            )
        if sub == "integration":
            obj = self.named("app", data.INTEGRATIONS)
            action = "add" if rng.random() < 0.7 else "remove"
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=obj,
                url=f"/marketplace/apps/{obj[1]}",
                metadata={
                    "details": {
                        "app": obj[2],
                        "scopes": ["crm.objects.contacts.read", "crm.objects.deals.write"],
                    }
                },
            )
        if sub == "user":
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            email = f"{first}.{last}".lower().replace(" ", "") + "@agency.example"
            action = "add" if rng.random() < 0.6 else "remove"
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=("user", _stable_id("user", email), email),
                url="/settings/users",
                metadata={
                    "details": {
                        "role": "Member",
                        "name": f"{first} {last}",
                        "reason": "Agency contractor",
                    }
                },
            )
        if sub == "sandbox":
            obj = self.named("sandbox", data.SANDBOXES)
            action = rng.choice(("create", "update", "update", "delete"))
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=obj,
                url=f"/sandboxes/{obj[1]}",
                metadata={
                    "details": {
                        "operation": {"create": "Created", "update": "Synced", "delete": "Deleted"}[
                            action
                        ],
                        "objects_synced": rng.randrange(100, 5000),
                    }
                },
            )
        if sub in ("user_status", "admin_rights", "impersonation"):
            target = self.pick("any", when)
            obj = ("user", str(target.user.pk), target.user.email)
            url = f"/settings/users/{target.user.pk}"
            if sub == "user_status":
                action = rng.choice(("disable", "enable"))
                after = "Deactivated" if action == "disable" else "Active"
                before = "Active" if action == "disable" else "Deactivated"
                return ev(
                    when,
                    person,
                    cat,
                    sub,
                    action,
                    obj=obj,
                    url=url,
                    metadata={"property": "status", "before": before, "after": after},
                )
            if sub == "admin_rights":
                # Rights given to someone who has them today; removals are scripted (moments).
                target = rng.choice([p for p in self.admins if p is not person] or self.admins)
                obj = ("user", str(target.user.pk), target.user.email)
                url = f"/settings/users/{target.user.pk}"
                action, before, after = "add", "Member", "Admin"
                return ev(
                    when,
                    person,
                    cat,
                    sub,
                    action,
                    obj=obj,
                    url=url,
                    metadata={"property": "role", "before": before, "after": after},
                )
            return ev(
                when,
                person,
                cat,
                sub,
                "login",
                obj=obj,
                url=url,
                metadata={
                    "details": {
                        "impersonated": target.user.email,
                        "duration_minutes": rng.randrange(2, 40),
                        "reason": "Checking the user's view of a report",
                    }
                },
            )
        if sub == "sso":
            action = rng.choice(("enable", "update"))
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                url="/settings/security/sso",
                obj=("sso", "1", "Microsoft Entra ID"),
                metadata={
                    "details": {"provider": "Microsoft Entra ID", "required": action == "enable"}
                },
            )
        if sub == "payments":
            action = rng.choice(("create", "update", "send"))
            name = f"{self.account.name} payments"
            details = {
                "create": {"processor": "Stripe"},
                "update": {"property": "payout_account", "after": "NL91 •••• 4300"},
                "send": {"recipient": f"finance@{domain}", "email_type": "Payment onboarding link"},
            }[action]
            return ev(
                when,
                person,
                cat,
                sub,
                action,
                obj=("payments_account", "1", name),
                url="/settings/payments",
                metadata={"details": details},
            )
        if sub in ("super_admin_rights", "audit_log_access", "invitation", "team"):
            return self._people_admin(when, person, sub)
        if sub == "login_settings":
            before, after = rng.sample(("8 hours", "12 hours", "24 hours", "7 days"), 2)
            return ev(
                when,
                person,
                cat,
                sub,
                "update",
                url="/settings/security/login",
                obj=("login_settings", str(self.account.pk), "Portal login settings"),
                metadata={"property": "session_timeout", "before": before, "after": after},
            )
        # Matches the account's setting, whatever else the story says.
        action = "enable" if self.account.employee_access_allowed else "disable"
        return ev(
            when,
            person,
            cat,
            "employee_access",
            action,
            url="/settings/security/login",
            obj=("account", str(self.account.pk), self.account.name),
            metadata={
                "property": "employee_access_allowed",
                "before": action == "disable",
                "after": action == "enable",
            },
        )

    def _people_admin(self, when: dt.datetime, person: Person, sub: str) -> EventInput:
        """Settings → Users & teams, as the console itself records it (administration.people)."""
        rng = self.rng
        others = [p for p in self.people if p is not person] or self.people
        target = rng.choice(others)
        about = ("user", str(target.user.pk), target.user.full_name or target.user.email)
        url = f"/a/{self.account.pk}/settings/users/{target.user.pk}/"
        cat = "security_activity"
        if sub == "super_admin_rights":
            # Once a super admin, an admin today.
            target = rng.choice([p for p in self.admins if not p.is_super_admin] or others)
            about = ("user", str(target.user.pk), target.user.full_name or target.user.email)
            change = {"before": {"role": Role.SUPER_ADMIN}, "after": {"role": Role.ADMIN}}
            return self.ev(when, person, cat, sub, "remove", obj=about, url=url, metadata=change)
        if sub == "audit_log_access":
            granted: dict[str, Any] = {
                "before": {"audit_log_access": False},
                "after": {"audit_log_access": True},
            }
            return self.ev(when, person, cat, sub, "add", obj=about, url=url, metadata=granted)
        if sub == "invitation":
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            email = f"{first}.{last}".lower().replace(" ", "") + "@agency.example"
            expires = when + dt.timedelta(days=7)
            return self.ev(
                when,
                person,
                cat,
                sub,
                "send",
                obj=("invitation", _stable_id("invitation", email), email),
                url=f"/a/{self.account.pk}/settings/users/invite/",
                metadata={
                    "email": email,
                    "role": Role.MEMBER,
                    "audit_log_access": False,
                    "expires_at": expires.isoformat(),
                },
            )
        team = self.named("team", self.spec.teams or ("Sales",))
        return self.ev(
            when,
            person,
            cat,
            sub,
            "add",
            obj=team,
            url=f"/a/{self.account.pk}/settings/teams/",
            metadata={
                "member": target.user.full_name or target.user.email,
                "member_email": target.user.email,
            },
        )

    def approvals(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("approval_request", "approval_decision"))
        deal = self.alive(ObjectType.DEAL, when)
        obj, url = self.record_obj(deal) if deal else (("quote", "1", "Quote"), "/quotes")
        if sub == "approval_request":
            approver = self.pick("admin", when).user.email
            return self.ev(
                when,
                person,
                "approvals",
                sub,
                rng.choice(("create", "send")),
                obj=obj,
                url=url,
                metadata={"details": {"approver": approver, "reason": "Discount above 15%"}},
            )
        if not person.is_admin:
            person = self.pick("admin", when)
        action = "approve" if rng.random() < 0.8 else "reject"
        return self.ev(
            when,
            person,
            "approvals",
            sub,
            action,
            obj=obj,
            url=url,
            metadata={
                "property": "approval_status",
                "before": "Pending",
                "after": "Approved" if action == "approve" else "Rejected",
            },
        )

    def communication_preferences(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("subscription_status", "subscription_type"), (9, 1))[0]
        if sub == "subscription_type":
            obj = self.named("subscription_type", data.SUBSCRIPTION_TYPES)
            return self.ev(
                when,
                person,
                "communication_preferences",
                sub,
                rng.choice(("create", "update")),
                obj=obj,
                url=f"/settings/subscriptions/{obj[1]}",
                metadata={"details": {"name": obj[2], "purpose": "Marketing"}},
            )
        contact = self.alive(ObjectType.CONTACT, when)
        obj, url = self.record_obj(contact) if contact else (("contact", "", ""), "")
        before, after = rng.choice(
            (
                ("Subscribed", "Unsubscribed"),
                ("Unsubscribed", "Subscribed"),
                ("Not specified", "Subscribed"),
            )
        )
        return self.ev(
            when,
            person,
            "communication_preferences",
            sub,
            "update",
            obj=obj,
            url=url,
            metadata={
                "property": rng.choice(data.SUBSCRIPTION_TYPES),
                "before": before,
                "after": after,
                "details": {"legal_basis": "Consent"},
            },
        )

    def content_activity(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = (
            sub
            or rng.choices(("page", "blog_post", "email", "file", "template"), (3, 2, 3, 2, 1))[0]
        )
        kinds = {
            "page": (
                data.PAGES,
                "/content/pages/{}/edit",
                ("create", "update", "update", "delete"),
            ),
            "blog_post": (data.BLOG_POSTS, "/content/blog/{}/edit", ("create", "update", "update")),
            "email": (
                data.MARKETING_EMAILS,
                "/marketing/email/{}/edit",
                ("create", "update", "update", "send"),
            ),
            "file": (data.FILES, "/files?file={}", ("add", "remove", "download")),
            "template": (data.TEMPLATES, "/templates/{}", ("create", "update")),
        }
        names, url, actions = kinds[sub]
        obj = self.named(sub, names)
        action = rng.choice(actions)
        metadata: dict[str, Any] = {}
        if action == "update":
            field, before, after = rng.choice(
                (
                    ("title", obj[2], f"{obj[2]} (updated)"),
                    ("state", "Draft", "Published"),
                    ("state", "Published", "Draft"),
                    ("language", "en", "nl"),
                )
            )
            metadata = {"property": field, "before": before, "after": after}
        elif action == "send":
            metadata = {
                "details": {
                    "recipients": rng.randrange(200, 12_000),
                    "list": rng.choice(data.LISTS),
                }
            }
        return self.ev(
            when,
            person,
            "content_activity",
            sub,
            action,
            obj=obj,
            url=url.format(obj[1]),
            metadata=metadata,
        )

    def crm_objects(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        if sub is None:
            sub = rng.choices(
                (
                    ObjectType.CONTACT,
                    ObjectType.COMPANY,
                    ObjectType.DEAL,
                    ObjectType.TICKET,
                    ObjectType.CUSTOM,
                ),
                (45, 15, 20, 15, 5),
            )[0]
        record = self.alive(sub, when) or self.any_record(when)
        if record is None:
            return self.value_updates(when, person)
        obj, url = self.record_obj(record)
        prop, before, after = _change(rng, record, self.owner_emails)
        return self.ev(
            when,
            person,
            "crm_objects",
            record.object_type,
            "update",
            obj=obj,
            url=url,
            metadata={
                "property": prop,
                "before": before,
                "after": after,
                "details": {
                    "source": rng.choice(
                        ("Record page", "Record page", "Board view", "Bulk edit", "Mobile app")
                    )
                },
            },
        )

    def value_updates(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        record = self.any_record(
            when,
            (
                ObjectType.CONTACT,
                ObjectType.CONTACT,
                ObjectType.COMPANY,
                ObjectType.DEAL,
                ObjectType.TICKET,
            ),
        )
        if record is None:
            return self.settings(when, person)
        obj, url = self.record_obj(record)
        prop, before, after = _change(rng, record, self.owner_emails)
        return self.ev(
            when,
            person,
            "value_updates",
            "property_value",
            "update",
            obj=obj,
            url=url,
            metadata={
                "property": prop,
                "before": before,
                "after": after,
                "details": {
                    "source": rng.choice(
                        ("Record page", "Import", "Bulk edit", "Inbox", "Sequences")
                    )
                },
            },
        )

    def crm_object_association(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        source = self.any_record(when, (ObjectType.CONTACT, ObjectType.DEAL, ObjectType.TICKET))
        target = self.any_record(when, (ObjectType.COMPANY, ObjectType.CONTACT))
        if source is None or target is None:
            return self.settings(when, person)
        obj, url = self.record_obj(source)
        label = rng.choice(("Primary company", "Decision maker", "Contact", "Billing contact"))
        return self.ev(
            when,
            person,
            "crm_object_association",
            "association",
            "add" if rng.random() < 0.75 else "remove",
            obj=obj,
            url=url,
            metadata={
                "details": {
                    "association": label,
                    "to_type": target.object_type,
                    "to_id": target.id,
                    "to_label": target.label,
                }
            },
        )

    def crm_association_definition(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        name = rng.choice(
            (
                "Contact → Company: Billing contact",
                "Deal → Contact: Champion",
                "Ticket → Company: Affected site",
                "Deal → Company: Reseller",
            )
        )
        action = rng.choice(("create", "update", "update", "delete"))
        metadata = (
            {
                "property": "label",
                "before": name.split(": ")[1],
                "after": name.split(": ")[1] + " (EU)",
            }
            if action == "update"
            else {}
        )
        return self.ev(
            when,
            person,
            "crm_association_definition",
            "association_definition",
            action,
            obj=("association_definition", _stable_id("assoc", name), name),
            url="/settings/objects/associations",
            metadata=metadata,
        )

    def custom_object_association(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        custom = self.alive(ObjectType.CUSTOM, when)
        target = self.any_record(when, (ObjectType.COMPANY, ObjectType.CONTACT))
        if custom is None or target is None:
            return self.settings(when, person)
        obj, url = self.record_obj(custom)
        return self.ev(
            when,
            person,
            "custom_object_association",
            "custom_association",
            rng.choice(("add", "add", "remove")),
            obj=obj,
            url=url,
            metadata={
                "details": {
                    "association": "Customer",
                    "to_type": target.object_type,
                    "to_id": target.id,
                    "to_label": target.label,
                }
            },
        )

    def customer_agent(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("agent_configuration", "agent_knowledge"))
        if sub == "agent_configuration":
            action = rng.choice(("update", "update", "enable", "disable"))
            metadata: dict[str, Any] = (
                {"property": "tone", "before": "Professional", "after": "Friendly"}
                if action == "update"
                else {"details": {"channel": "Chat"}}
            )
            return self.ev(
                when,
                person,
                "customer_agent",
                sub,
                action,
                obj=("customer_agent", "1", "Support agent"),
                url="/customer-agent/settings",
                metadata=metadata,
            )
        obj = self.named("knowledge_source", data.AGENT_SOURCES)
        return self.ev(
            when,
            person,
            "customer_agent",
            sub,
            rng.choice(("add", "remove")),
            obj=obj,
            url="/customer-agent/knowledge",
            metadata={"details": {"source": obj[2], "pages": rng.randrange(4, 300)}},
        )

    def privacy_requests(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("data_access", "data_deletion"))
        contact = self.alive(ObjectType.CONTACT, when)
        obj, url = self.record_obj(contact) if contact else (("contact", "", ""), "")
        action = rng.choice(
            ("create", "export") if sub == "data_access" else ("create", "approve", "delete")
        )
        return self.ev(
            when,
            person,
            "privacy_requests",
            sub,
            action,
            obj=obj,
            url=url,
            metadata={
                "details": {
                    "request_id": f"PR-{rng.randrange(1000, 9999)}",
                    "received_via": rng.choice(("Email", "Form")),
                }
            },
        )

    def lists(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("static_list", "active_list"))
        obj = self.named("list", data.LISTS)
        actions = (
            ("create", "update", "add", "add", "remove", "delete")
            if sub == "static_list"
            else ("create", "update", "update", "delete")
        )
        action = rng.choice(actions)
        if action in ("add", "remove"):
            metadata: dict[str, Any] = {"details": {"contacts": rng.randrange(1, 250)}}
        elif action == "update":
            metadata = {
                "property": "filters",
                "before": "Lifecycle stage is Lead",
                "after": "Lifecycle stage is Lead or MQL",
            }
        else:
            metadata = {"details": {"size": rng.randrange(20, 4000)}}
        return self.ev(
            when,
            person,
            "lists",
            sub,
            action,
            obj=obj,
            url=f"/contacts/lists/{obj[1]}",
            metadata=metadata,
        )

    def meetings(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("meeting", "meeting_link"), (4, 1))[0]
        if sub == "meeting_link":
            obj = self.named("meeting_link", data.MEETING_LINKS)
            return self.ev(
                when,
                person,
                "meetings",
                sub,
                rng.choice(("create", "update", "delete")),
                obj=obj,
                url=f"/meetings/links/{obj[1]}",
                metadata={"details": {"duration_minutes": 30, "calendar": "Outlook"}},
            )
        contact = self.alive(ObjectType.CONTACT, when)
        label = f"Meeting with {contact.label}" if contact else "Team meeting"
        action = rng.choices(("create", "update", "delete"), (6, 3, 1))[0]
        start = when + dt.timedelta(days=rng.randrange(1, 14))
        return self.ev(
            when,
            person,
            "meetings",
            sub,
            action,
            obj=("meeting", str(rng.randrange(100_000, 999_999)), label),
            url="/meetings",
            metadata={
                "details": {
                    "starts_at": f"{start:%Y-%m-%d} 10:00",
                    "attendees": rng.randrange(2, 6),
                }
            },
        )

    def multi_account(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("linked_account", "shared_asset"))
        if sub == "linked_account":
            obj = self.named("linked_account", data.LINKED_ACCOUNTS)
            return self.ev(
                when,
                person,
                "multi_account",
                sub,
                rng.choice(("add", "remove")),
                obj=obj,
                url="/settings/multi-account",
                metadata={"details": {"account": obj[2]}},
            )
        obj = self.named("shared_asset", data.SHARED_ASSETS)
        return self.ev(
            when,
            person,
            "multi_account",
            sub,
            rng.choice(("add", "update", "remove")),
            obj=obj,
            url="/settings/multi-account/assets",
            metadata={"details": {"shared_with": rng.choice(data.LINKED_ACCOUNTS)}},
        )

    def pipeline_changes(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choice(("pipeline", "pipeline_stage"))
        if sub == "pipeline":
            obj = self.named("pipeline", data.PIPELINES)
            return self.ev(
                when,
                person,
                "pipeline_changes",
                sub,
                rng.choice(("create", "update")),
                obj=obj,
                url=f"/settings/objects/deals/pipelines/{obj[1]}",
                metadata={"property": "name", "before": obj[2], "after": f"{obj[2]} 2027"},
            )
        obj = self.named("pipeline_stage", data.PIPELINE_STAGES)
        before = rng.choice((10, 20, 40, 60, 80))
        return self.ev(
            when,
            person,
            "pipeline_changes",
            sub,
            rng.choice(("create", "update", "update", "delete")),
            obj=obj,
            url="/settings/objects/deals/pipelines",
            metadata={
                "property": "probability",
                "before": f"{before}%",
                "after": f"{before + 10}%",
            },
        )

    def property_updates(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("property_definition", "property_group"), (4, 1))[0]
        if sub == "property_group":
            obj = self.named("property_group", data.PROPERTY_GROUPS)
            return self.ev(
                when,
                person,
                "property_updates",
                sub,
                rng.choice(("create", "update")),
                obj=obj,
                url="/settings/properties/groups",
                metadata={"details": {"object": "Contact"}},
            )
        internal, label = rng.choice(data.PROPERTIES)
        action = rng.choice(("create", "update", "update", "delete"))
        metadata: dict[str, Any] = (
            {"property": "options", "before": ["Net 30"], "after": ["Net 30", "Net 60"]}
            if action == "update"
            else {"details": {"type": "Dropdown select", "object": "Company"}}
        )
        return self.ev(
            when,
            person,
            "property_updates",
            sub,
            action,
            obj=("property", internal, label),
            url=f"/settings/properties/{internal}",
            metadata=metadata,
        )

    def record_creation_form(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        kind = self.rng.choice(("Contact", "Deal", "Ticket"))
        return self.ev(
            when,
            person,
            "record_creation_form",
            "creation_form",
            "update",
            obj=("creation_form", _stable_id("form", kind), f"{kind} creation form"),
            url=f"/settings/objects/{kind.lower()}s/creation-form",
            metadata={
                "property": "required_fields",
                "before": ["Name", "Owner"],
                "after": ["Name", "Owner", "Country"],
            },
        )

    def salesforce_activity(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("salesforce_sync", "salesforce_settings"), (19, 1))[0]
        if sub == "salesforce_settings":
            if not person.is_admin:
                person = self.pick("admin", when)
            action = rng.choice(("update", "update", "enable", "disable"))
            if action == "update":
                before, after = rng.sample(("5 minutes", "15 minutes", "1 hour"), 2)
                metadata: dict[str, Any] = {
                    "property": "sync_frequency",
                    "before": before,
                    "after": after,
                }
            else:
                metadata = {"details": {"object_sync": rng.choice(("Contacts", "Deals"))}}
            return self.ev(
                when,
                person,
                "salesforce_activity",
                sub,
                action,
                obj=("integration", "salesforce", "Salesforce"),
                url="/integrations/salesforce/settings",
                metadata=metadata,
            )
        # The sync acts for the person who connected it (the first admin).
        owner = self.admins[0]
        record = self.any_record(when)
        if record is None:
            return self.settings(when, person)
        obj, url = self.record_obj(record)
        prop, before, after = _change(rng, record, self.owner_emails)
        return EventInput(
            category="salesforce_activity",
            subcategory=sub,
            action="update",
            actor=Actor.of_integration(SALESFORCE, on_behalf_of=owner.user),
            occurred_at=when,
            object_type=obj[0],
            object_id=obj[1],
            object_label=obj[2],
            url=url,
            ip=rng.choice(data.IPS_SALESFORCE),
            user_agent="",
            metadata={
                "property": prop,
                "before": before,
                "after": after,
                "details": {
                    "salesforce_id": f"003{rng.randrange(10**11, 10**12)}AAB",
                    "direction": "Salesforce → CRM",
                },
            },
            actor_team_ids=owner.team_ids,
        )

    def sensitive_properties(
        self, when: dt.datetime, person: Person, sub: str | None = None
    ) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("sensitive_value_view", "sensitive_setting"), (9, 1))[0]
        if sub == "sensitive_setting":
            if not person.is_super_admin:
                person = self.pick("super", when)
            action = rng.choice(("enable", "update"))
            return self.ev(
                when,
                person,
                "sensitive_properties",
                sub,
                action,
                obj=("setting", "sensitive_data", "Sensitive data"),
                url="/settings/security/sensitive-data",
                metadata={"details": {"property": rng.choice(data.SENSITIVE_PROPERTIES)}},
            )
        contact = self.alive(ObjectType.CONTACT, when)
        obj, url = self.record_obj(contact) if contact else (("contact", "", ""), "")
        return self.ev(
            when,
            person,
            "sensitive_properties",
            sub,
            "view",
            obj=obj,
            url=url,
            metadata={"details": {"property": rng.choice(data.SENSITIVE_PROPERTIES)}},
        )

    def settings(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        before: str | bool  # preferences are texts; notification settings are switches
        after: str | bool
        sub = (
            sub
            or rng.choices(("account_defaults", "user_preferences", "notifications"), (1, 4, 3))[0]
        )
        if sub == "account_defaults":
            if not person.is_super_admin:
                person = self.pick("super", when)
            prop, before, after = rng.choice(
                (
                    ("currency", "EUR", "EUR, USD"),
                    ("fiscal_year_start", "January", "April"),
                    ("date_format", "DD-MM-YYYY", "YYYY-MM-DD"),
                    ("company_domain", "", self.domain),
                )
            )
            return self.ev(
                when,
                person,
                "settings",
                sub,
                "update",
                obj=("account", str(self.account.pk), self.account.name),
                url="/settings/account-defaults",
                metadata={"property": prop, "before": before, "after": after},
            )
        if sub == "user_preferences":
            prop, before, after = rng.choice(
                (
                    ("language", "English", "Nederlands"),
                    ("language", "Nederlands", "English"),
                    ("default_home_page", "Dashboard", "Contacts"),
                    ("number_format", "1,234.5", "1.234,5"),
                )
            )
        else:
            prop, before, after = rng.choice(
                (
                    ("email_on_mention", True, False),
                    ("daily_digest", False, True),
                    ("deal_won_alert", False, True),
                )
            )
        return self.ev(
            when,
            person,
            "settings",
            sub,
            "update",
            obj=("user", str(person.user.pk), person.user.email),
            url=f"/settings/{sub.replace('_', '-')}",
            metadata={"property": prop, "before": before, "after": after},
        )

    def workflows(self, when: dt.datetime, person: Person, sub: str | None = None) -> EventInput:
        rng = self.rng
        sub = sub or rng.choices(("workflow", "workflow_action"), (3, 2))[0]
        obj = self.named("workflow", data.WORKFLOWS)
        url = f"/workflows/{obj[1]}/edit"
        if sub == "workflow":
            action = rng.choices(
                ("create", "update", "enable", "disable", "delete"), (2, 5, 2, 1.5, 0.5)
            )[0]
            metadata: dict[str, Any] = (
                {
                    "property": "enrollment_trigger",
                    "before": "Form submission",
                    "after": "Form submission or list membership",
                }
                if action == "update"
                else {"details": {"type": "Contact-based"}}
            )
            return self.ev(
                when, person, "workflows", sub, action, obj=obj, url=url, metadata=metadata
            )
        step = rng.choice(
            (
                "Send email",
                "Create task",
                "Set property value",
                "Delay 2 days",
                "Rotate owner",
                "Send Slack notification",
            )
        )
        return self.ev(
            when,
            person,
            "workflows",
            sub,
            rng.choice(("add", "update", "remove")),
            obj=obj,
            url=url,
            metadata={"details": {"step": step}},
        )

    # --- scripted events -------------------------------------------------------------------

    def record_history(self) -> list[EventInput]:
        """Creation, deletion and restore events that match the records' own state."""
        out = []
        for plan in self.plans:
            record = plan.record
            obj, url = self.record_obj(record)
            owner = self.by_email.get(plan.owner.email)
            if owner is None:
                continue
            subcategory = record.object_type
            if plan.created_at >= self.start:
                out.append(
                    self.ev(
                        plan.created_at,
                        owner,
                        "crm_objects",
                        subcategory,
                        "create",
                        obj=obj,
                        url=url,
                        metadata={
                            "details": {
                                "source": self.rng.choice(
                                    ("Record page", "Record page", "Inbox", "Form", "Mobile app")
                                )
                            }
                        },
                    )
                )
            if plan.restored_delete is not None and plan.restored_at is not None:
                deleted_at, by = plan.restored_delete
                deleter = self.by_email.get(by.email, owner)
                out.append(
                    self.ev(
                        deleted_at, deleter, "crm_objects", subcategory, "delete", obj=obj, url=url
                    )
                )
                # Recorded after the load, when the Delete event's id is known (restore_event_of).
                restore = self.ev(
                    plan.restored_at,
                    self.super_admins[0],
                    "crm_objects",
                    subcategory,
                    "restore",
                    obj=obj,
                    url=url,
                    metadata={
                        "details": {"deleted_at": deleted_at.isoformat(), "deleted_by": by.email}
                    },
                )
                self.pending_restores.append((restore, deleted_at))
            if plan.deleted_at is not None and plan.deleted_by is not None:
                deleter = self.by_email.get(plan.deleted_by.email, owner)
                out.append(
                    self.ev(
                        plan.deleted_at,
                        deleter,
                        "crm_objects",
                        subcategory,
                        "delete",
                        obj=obj,
                        url=url,
                        metadata={"details": {"properties": record.properties}},
                    )
                )
        return out

    def employee_visits(self, *, visits: int) -> list[EventInput]:
        """Platform employees signing in (every tier's export), and acting where allowed."""
        if not self.staff:
            return []
        rng = self.rng
        out = []
        # Every department at least once in the 90 days the export covers (SPEC S10), then
        # whoever is on duty, over the whole window.
        order = rng.sample(self.staff, len(self.staff))
        for i in range(max(visits, len(order))):
            if i < len(order):
                member, when = order[i], self.at(rng.uniform(0.5, 88))
            else:
                member, when = rng.choice(self.staff), self.at(rng.uniform(0, self.window_days))
            out.append(
                EventInput(
                    category="login",
                    subcategory="login_succeeded",
                    action="login",
                    actor=member.actor,
                    occurred_at=when,
                    url="/login/employee",
                    ip=member.ip,
                    user_agent=member.agent,
                    login_type=EMPLOYEE_LOGIN_TYPE,
                    metadata={
                        "details": {
                            "reason": rng.choice(
                                (
                                    "Support ticket",
                                    "Onboarding session",
                                    "Escalation",
                                    "Data migration",
                                    "Account review",
                                )
                            )
                        }
                    },
                    actor_team_ids=[],
                )
            )
            if not self.account.employee_access_allowed or rng.random() < 0.5:
                continue
            for step in range(rng.randrange(1, 4)):
                later = min(when + dt.timedelta(minutes=4 + 9 * step), self.now)
                out.append(self._employee_action(member, later))
        return out

    def _employee_action(self, member: Staff, when: dt.datetime) -> EventInput:
        proxy = self.people[0]  # templates need a person; the actor is replaced below
        build = self.rng.choice(
            (self.crm_objects, self.workflows, self.property_updates, self.settings, self.lists)
        )
        event = build(when, proxy)
        event.actor = member.actor
        event.ip, event.user_agent = member.ip, member.agent
        event.actor_team_ids = []
        event.actor_email = None
        return event

    def coverage(self) -> list[EventInput]:
        """One event for every subcategory the account's tier shows, so that the demo shows all."""
        builders = {code: build for _, _, code, build in self._templates}
        shown = catalog.PLATFORM_CATEGORIES if self.enterprise else ("login", "security_activity")
        out = []
        for code in shown:
            for sub in catalog.category(code).subcategories:
                if sub.code == "login_settings" and not self.account.login_settings_configured:
                    continue  # S10's "Set up portal login settings" comes first there
                when = self.at(self.rng.uniform(1, self.window_days - 1))
                person = self.pick("any", when)
                event = builders[code](when, person, sub.code)
                out.append(event)
        return out

    def moments(self) -> list[EventInput]:
        """Scripted moments a super admin recognises; they match the account's current state."""
        people = self.by_email
        boss = self.super_admins[0]
        out = []
        if self.spec is data.NORTHWIND:
            out.append(
                self._setting(
                    118,
                    boss,
                    "sso",
                    "enable",
                    ("sso", "1", "Microsoft Entra ID"),
                    {"details": {"provider": "Microsoft Entra ID"}},
                )
            )
            out.append(
                self._setting(
                    112,
                    boss,
                    "employee_access",
                    "enable",
                    ("account", str(self.account.pk), self.account.name),
                    {"property": "employee_access_allowed", "before": False, "after": True},
                )
            )
            out.append(
                self._setting(
                    110,
                    boss,
                    "login_settings",
                    "update",
                    ("login_settings", str(self.account.pk), "Portal login settings"),
                    {"property": "session_timeout", "before": "24 hours", "after": "12 hours"},
                )
            )
            for change in (
                self._role(100, boss, people.get("grace@northwind.example"), "add"),
                self._role(20, boss, people.get("tom@northwind.example"), "remove"),
            ):
                if change is not None:
                    out.append(change)
            out.append(
                self._setting(
                    61,
                    boss,
                    "two_factor",
                    "enable",
                    ("account", str(self.account.pk), self.account.name),
                    {"details": {"scope": "All users", "method": "Authenticator app"}},
                )
            )
            former = people.get("bram@northwind.example")
            if former is not None and former.active_until is not None:
                days = (self.now - former.active_until).total_seconds() / 86400
                out.append(
                    self.ev(
                        self.at(days, 16.5),
                        boss,
                        "security_activity",
                        "user_status",
                        "disable",
                        obj=("user", str(former.user.pk), former.user.email),
                        url=f"/settings/users/{former.user.pk}",
                        metadata={
                            "property": "status",
                            "before": "Active",
                            "after": "Deactivated",
                            "details": {"reason": "Left the company"},
                        },
                    )
                )
            out += self._export_spree(people.get("daan@northwind.example"), days_ago=3)
            out += self._guessing(people.get("linus@northwind.example"), days_ago=9)
        else:
            out.append(
                self._setting(
                    80,
                    boss,
                    "two_factor",
                    "enable",
                    ("account", str(self.account.pk), self.account.name),
                    {"details": {"scope": "All users", "method": "SMS"}},
                )
            )
            out += self._guessing(self.people[-1], days_ago=16, attempts=8)
        return [e for e in out if e is not None]

    def _setting(
        self,
        days_ago: float,
        person: Person,
        sub: str,
        action: str,
        obj: tuple[str, str, str],
        metadata: dict[str, Any],
    ) -> EventInput:
        return self.ev(
            self.at(days_ago),
            person,
            "security_activity",
            sub,
            action,
            obj=obj,
            url="/settings/security",
            metadata=metadata,
        )

    def _role(
        self, days_ago: float, by: Person, target: Person | None, action: str
    ) -> EventInput | None:
        if target is None:
            return None
        before, after = ("Member", "Admin") if action == "add" else ("Admin", "Member")
        return self.ev(
            self.at(days_ago),
            by,
            "security_activity",
            "admin_rights",
            action,
            obj=("user", str(target.user.pk), target.user.email),
            url=f"/settings/users/{target.user.pk}",
            metadata={"property": "role", "before": before, "after": after},
        )

    def _export_spree(self, person: Person | None, *, days_ago: float) -> list[EventInput]:
        """A day with many contact exports (what the "Multiple exports" alert is for)."""
        if person is None:
            return []
        start = self.at(days_ago, 13.0)
        out = []
        for i in range(18):
            when = min(start + dt.timedelta(minutes=6 * i + self.rng.uniform(0, 4)), self.now)
            out.append(self.security(when, person, "export"))
        return out

    def _guessing(
        self, person: Person | None, *, days_ago: float, attempts: int = 25
    ) -> list[EventInput]:
        """Someone guessing a member's password from abroad with a script."""
        if person is None:
            return []
        start = self.at(days_ago, 3.2)
        ip = self.rng.choice(data.IPS_BR + data.IPS_IN)
        agent = self.rng.choice(data.SCRIPT_AGENTS)
        out = []
        for i in range(attempts):
            event = self.login(start + dt.timedelta(seconds=23 * i), person, "login_failed")
            event.ip, event.user_agent = ip, agent
            event.metadata["details"] = {"reason": "Wrong password"}
            out.append(event)
        return out


def _when(event: EventInput) -> dt.datetime:
    assert event.occurred_at is not None  # every demo event is dated when it is made
    return event.occurred_at


def _change(rng: random.Random, record: Record, owners: list[str]) -> tuple[str, Any, Any]:
    """A plausible property change on the record: (property, before, after)."""
    props = record.properties
    kind = record.object_type
    if kind == ObjectType.CONTACT:
        prop = rng.choice(
            (
                "lifecyclestage",
                "lifecyclestage",
                "lead_status",
                "jobtitle",
                "phone",
                "owner",
                "city",
            )
        )
        if prop == "lifecyclestage":
            stages = data.LIFECYCLE_STAGES
            i = rng.randrange(len(stages) - 1)
            return prop, stages[i], stages[i + 1]
        if prop == "lead_status":
            before, after = rng.sample(data.LEAD_STATUSES, 2)
            return prop, before, after
        if prop == "jobtitle":
            return prop, props.get("jobtitle", ""), rng.choice(data.JOB_TITLES)
        if prop == "phone":
            digits = str(rng.randrange(10_000_000, 99_999_999))
            return prop, props.get("phone", ""), f"+31 6 {digits[:4]} {digits[4:]}"
        if prop == "city":
            return prop, props.get("city", ""), rng.choice(data.COUNTRY_CITIES["NL"])
        return prop, props.get("owner", ""), rng.choice(owners)
    if kind == ObjectType.COMPANY:
        prop = rng.choice(("industry", "numberofemployees", "annualrevenue", "city"))
        if prop == "industry":
            return prop, props.get("industry", ""), rng.choice(data.INDUSTRIES)
        if prop == "numberofemployees":
            before = props.get("numberofemployees", 10)
            return prop, before, before + rng.randrange(1, 40)
        if prop == "annualrevenue":
            before = props.get("annualrevenue", 100_000)
            return prop, before, int(before * rng.uniform(0.9, 1.3))
        return prop, props.get("city", ""), rng.choice(data.COUNTRY_CITIES["NL"])
    if kind == ObjectType.DEAL:
        prop = rng.choice(("dealstage", "dealstage", "amount", "closedate"))
        if prop == "dealstage":
            stages = data.DEAL_STAGES
            i = rng.randrange(len(stages) - 2)
            return prop, stages[i], stages[i + rng.choice((1, 1, 2))]
        if prop == "amount":
            before = props.get("amount", 10_000)
            return prop, before, int(before * rng.uniform(0.8, 1.4) / 50) * 50
        return prop, props.get("closedate", ""), f"2027-{rng.randrange(1, 13):02d}-15"
    if kind == ObjectType.TICKET:
        prop = rng.choice(("status", "status", "priority", "owner"))
        if prop == "status":
            statuses = data.TICKET_STATUSES
            i = rng.randrange(len(statuses) - 1)
            return prop, statuses[i], statuses[i + 1]
        if prop == "priority":
            before, after = rng.sample(data.TICKET_PRIORITIES, 2)
            return prop, before, after
        return prop, props.get("owner", ""), rng.choice(owners)
    prop = "status"
    return prop, props.get("status", ""), rng.choice(data.SHIPMENT_STATUSES)
