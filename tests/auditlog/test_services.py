"""Recording events (SPEC S2, S11, S12): validation, snapshots, enrichment, COPY, partitions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from accounts.models import Department
from auditlog.models import ActorType, Event
from auditlog.partitions import (
    month_start,
    next_month,
    partition_ensure,
    partition_name,
    partitions_list,
)
from auditlog.services import (
    Actor,
    EventInput,
    InvalidEvent,
    event_record,
    events_bulk_load,
    partitions_maintain,
)
from tests.factories import EmployeeFactory, TeamFactory, TeamMemberFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def partition_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def partition_of(event: Event) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM auditlog_event WHERE account_id = %s AND id = %s",
            [event.account_id, event.id],
        )
        return cursor.fetchone()[0]


def entry(actor: Actor, **fields) -> EventInput:
    defaults = {"category": "crm_objects", "subcategory": "contact", "action": "update"}
    return EventInput(actor=actor, **{**defaults, **fields})


# Recording one event -------------------------------------------------------------------------


def test_event_record_snapshots_the_actor_as_they_were(account, other_account, super_admin):
    sales = TeamFactory(account=account, name="Sales")
    support = TeamFactory(account=account, name="Support")
    TeamMemberFactory(team=sales, user=super_admin)
    TeamMemberFactory(team=support, user=super_admin)
    TeamMemberFactory(team=TeamFactory(account=other_account), user=super_admin)

    event = event_record(
        account=account,
        entry=entry(Actor.of_user(super_admin), object_label="Acme Corp", object_id=42),
    )
    # The person changes afterwards; the event keeps who they were then.
    super_admin.email = "ada.renamed@northwind.test"
    super_admin.full_name = "Ada King"
    super_admin.save()
    with scope(account=account):
        sales.members.all().delete()

    [stored] = events_of(account)
    assert stored.id == event.id
    assert stored.actor_type == ActorType.USER
    assert stored.actor_user_id == super_admin.pk
    assert stored.actor_email == "ada@northwind.test"
    assert stored.actor_name == "Ada Lovelace"
    assert sorted(stored.actor_team_ids) == sorted([sales.id, support.id])
    assert stored.object_label == "Acme Corp"
    assert stored.object_id == "42"
    assert stored.recorded_at is not None
    assert events_of(other_account) == []


def test_event_record_by_an_employee_keeps_the_department(account):
    employee = EmployeeFactory(
        email="sam@vendor.test", full_name="Sam Support", department=Department.CUSTOMER_SUPPORT
    )
    event_record(
        account=account,
        entry=entry(
            Actor.of_employee(employee),
            category="login",
            subcategory="login_succeeded",
            action="login",
        ),
    )
    [stored] = events_of(account)
    assert stored.actor_type == ActorType.EMPLOYEE
    assert stored.actor_employee_id == employee.pk
    assert stored.actor_user_id is None
    assert (stored.actor_email, stored.actor_name) == ("sam@vendor.test", "Sam Support")
    assert stored.actor_department == "customer_support"


def test_event_record_by_an_integration_names_the_person_it_acts_for(account, member):
    event_record(
        account=account,
        entry=entry(
            Actor.of_integration("Salesforce sync", on_behalf_of=member),
            category="salesforce_activity",
            subcategory="salesforce_sync",
        ),
    )
    [stored] = events_of(account)
    assert stored.actor_type == ActorType.INTEGRATION
    assert stored.actor_integration == "Salesforce sync"
    assert stored.actor_user_id == member.pk
    assert stored.actor_email == member.email


@pytest.mark.parametrize(
    ("codes", "field_name"),
    [
        ({"category": "nonsense"}, "category"),
        ({"subcategory": "blog_post"}, "subcategory"),  # exists, but under Content activity
        ({"action": "teleport"}, "action"),
    ],
)
def test_unknown_catalog_entries_are_refused_and_nothing_is_written(
    account, super_admin, codes, field_name
):
    with pytest.raises(InvalidEvent) as raised:
        event_record(account=account, entry=entry(Actor.of_user(super_admin), **codes))

    assert raised.value.field_name == field_name
    assert str(raised.value).startswith(f"{field_name}:")
    assert next(iter(codes.values())) in str(raised.value)
    assert events_of(account) == []


@pytest.mark.parametrize(
    "make_actor",
    [
        pytest.param(lambda user: Actor(type="system"), id="system"),
        pytest.param(
            lambda user: Actor(type=ActorType.INTEGRATION, integration="Form submission"),
            id="integration-for-nobody",
        ),
        pytest.param(
            lambda user: Actor(type=ActorType.INTEGRATION, user=user), id="nameless-integration"
        ),
        pytest.param(lambda user: Actor(type=ActorType.USER), id="user-without-user"),
        pytest.param(lambda user: Actor(type=ActorType.EMPLOYEE), id="employee-without-employee"),
    ],
)
def test_actions_of_no_person_are_not_logged(account, super_admin, make_actor):
    with pytest.raises(InvalidEvent) as raised:
        event_record(account=account, entry=entry(make_actor(super_admin)))

    assert raised.value.field_name == "actor"
    assert events_of(account) == []


def test_a_naive_time_is_refused(account, super_admin):
    with pytest.raises(InvalidEvent) as raised:
        event_record(
            account=account,
            entry=entry(Actor.of_user(super_admin), occurred_at=dt.datetime(2025, 5, 1, 12, 0)),  # noqa: DTZ001
        )
    assert raised.value.field_name == "occurred_at"
    assert events_of(account) == []


# Enrichment -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        # Real lookups in the packaged GeoLite2 City database.
        ("81.2.69.142", ("81.2.69.142", "GB", "United Kingdom", "Brent", "Willesden")),
        ("89.160.20.112", ("89.160.20.112", "SE", "Sweden", "Stockholm", "Stockholm")),
        ("175.16.199.0", ("175.16.199.0", "CN", "China", "Jilin", "Changchun")),
        (
            "2a02:2770::21a:4aff:fe5d:6ca4",
            ("2a02:2770::21a:4aff:fe5d:6ca4", "NL", "Netherlands", "", ""),
        ),
        # A private address is kept, its location unknown.
        ("10.1.2.3", ("10.1.2.3", "", "", "", "")),
    ],
)
def test_ip_is_resolved_when_the_event_is_recorded(account, super_admin, ip, expected):
    event_record(account=account, entry=entry(Actor.of_user(super_admin), ip=ip))

    [stored] = events_of(account)
    assert (
        stored.ip_address,
        stored.country_code,
        stored.country,
        stored.region,
        stored.city,
    ) == expected


@pytest.mark.parametrize("ip", ["not-an-ip", "999.1.2.3", "81.2.69.142, 10.0.0.1", " "])
def test_an_invalid_ip_keeps_the_event_with_an_unknown_location(account, super_admin, ip):
    event_record(
        account=account,
        entry=entry(Actor.of_user(super_admin), ip=ip, object_label="Kept anyway"),
    )
    [stored] = events_of(account)
    assert stored.object_label == "Kept anyway"
    assert stored.ip_address is None
    assert (stored.country_code, stored.country, stored.region, stored.city) == ("", "", "", "")


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WINDOWS, ("Chrome 124", "Windows 10", "Desktop")),
        (SAFARI_IPHONE, ("Mobile Safari 17", "iOS 17.4", "Mobile · iPhone")),
        ("\x00\xff garbage ### ☃", ("", "", "")),
        ("", ("", "", "")),
    ],
)
def test_user_agent_is_parsed_and_garbage_gives_an_unknown_device(
    account, super_admin, user_agent, expected
):
    event_record(
        account=account,
        entry=entry(Actor.of_user(super_admin), user_agent=user_agent, ip="81.2.69.142"),
    )
    [stored] = events_of(account)
    assert (stored.browser, stored.os, stored.device) == expected
    assert stored.user_agent == user_agent.replace("\x00", "")  # PostgreSQL text holds no NUL
    assert stored.country_code == "GB"


# Bulk load through COPY -----------------------------------------------------------------------


def test_events_bulk_load_copies_with_the_same_enrichment(account, other_account, super_admin):
    team = TeamFactory(account=account)
    TeamMemberFactory(team=team, user=super_admin)
    old_month = dt.datetime(2019, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert not partition_exists(partition_name(old_month.date()))
    now = timezone.now().replace(microsecond=0)
    actor = Actor.of_user(super_admin)
    entries = [
        entry(
            actor,
            occurred_at=old_month,
            ip="89.160.20.112",
            user_agent=CHROME_WINDOWS,
            object_label="Old contact",
            metadata={"before": {"name": "A"}},
        ),
        entry(
            actor,
            occurred_at=now,
            ip="81.2.69.142",
            user_agent=SAFARI_IPHONE,
            object_label="New contact",
        ),
        entry(
            actor,
            occurred_at=now - dt.timedelta(minutes=1),
            ip="bogus",
            user_agent="???",
            object_label="Odd contact",
            category="login",
            subcategory="login_failed",
            action="login",
            actor_email="typo@northwind.test",
        ),
    ]

    assert events_bulk_load(account=account, entries=iter(entries)) == 3

    assert partition_exists(partition_name(old_month.date()))
    by_label = {e.object_label: e for e in events_of(account)}
    assert set(by_label) == {"Old contact", "New contact", "Odd contact"}
    old, new, odd = by_label["Old contact"], by_label["New contact"], by_label["Odd contact"]
    assert partition_of(old) == "auditlog_event_p201903"
    assert old.occurred_at == old_month
    assert (old.country_code, old.city, old.browser, old.os) == (
        "SE",
        "Stockholm",
        "Chrome 124",
        "Windows 10",
    )
    assert old.metadata == {"before": {"name": "A"}}
    assert (new.country_code, new.city, new.device) == ("GB", "Willesden", "Mobile · iPhone")
    assert (odd.ip_address, odd.country, odd.browser) == (None, "", "")
    assert odd.actor_email == "typo@northwind.test"
    for event in (old, new, odd):
        assert event.actor_name == "Ada Lovelace"
        assert event.actor_team_ids == [team.id]
    assert events_of(other_account) == []

    # One event through the ORM with the same input is enriched identically.
    single = event_record(account=account, entry=entries[1])
    enriched = (
        "ip_address",
        "country_code",
        "country",
        "region",
        "city",
        "browser",
        "os",
        "device",
    )
    assert {f: str(getattr(single, f)) for f in enriched} == {
        f: str(getattr(new, f)) for f in enriched
    }


def test_events_bulk_load_validates_everything_before_writing(account, super_admin):
    actor = Actor.of_user(super_admin)
    entries = [entry(actor, object_label="fine"), entry(actor, action="teleport")]

    with pytest.raises(InvalidEvent) as raised:
        events_bulk_load(account=account, entries=entries)

    assert raised.value.field_name == "action"
    assert events_of(account) == []
    assert events_bulk_load(account=account, entries=[]) == 0


# Partitions -----------------------------------------------------------------------------------


def test_event_table_is_partitioned_by_month_on_occurred_at():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pt.partstrat, a.attname
            FROM pg_partitioned_table pt
            JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
            WHERE pt.partrelid = 'auditlog_event'::regclass
            """
        )
        assert cursor.fetchall() == [("r", "occurred_at")]  # range on occurred_at
        cursor.execute(
            """
            SELECT c.relname,
                   pg_get_expr(c.relpartbound, c.oid),
                   (SELECT array_agg(k.attname::text ORDER BY k.attname)
                      FROM pg_index i JOIN pg_attribute k
                        ON k.attrelid = i.indrelid AND k.attnum = ANY(i.indkey)
                     WHERE i.indrelid = 'auditlog_event'::regclass AND i.indisprimary)
            FROM pg_inherits inh JOIN pg_class c ON c.oid = inh.inhrelid
            WHERE inh.inhparent = 'auditlog_event'::regclass
            ORDER BY c.relname
            """
        )
        rows = cursor.fetchall()

    # The primary key leads with the account and contains the partition key.
    assert rows and rows[0][2] == ["account_id", "id", "occurred_at"]
    for name, bound, _ in rows:
        month = dt.date(int(name[-6:-2]), int(name[-2:]), 1)
        assert name == partition_name(month)
        assert bound == (
            f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00') "
            f"TO ('{next_month(month):%Y-%m-%d} 00:00:00+00')"
        )
    # Monthly and contiguous from the oldest to the months ahead.
    months = [p.start for p in partitions_list()]
    assert all(next_month(a) == b for a, b in itertools.pairwise(months))
    today = timezone.now().date()
    assert month_start(today) in months
    ahead = month_start(today)
    for _ in range(3):
        ahead = next_month(ahead)
    assert ahead in months


def test_an_event_for_a_month_without_partition_creates_it(account, super_admin):
    when = dt.datetime(2018, 11, 30, 23, 59, 59, tzinfo=dt.UTC)
    name = "auditlog_event_p201811"
    assert not partition_exists(name)

    event = event_record(account=account, entry=entry(Actor.of_user(super_admin), occurred_at=when))

    assert partition_exists(name)
    assert partition_of(event) == name
    assert [e.occurred_at for e in events_of(account)] == [when]


def test_partitions_maintain_creates_months_ahead_and_drops_past_retention(settings):
    today = timezone.now().date()
    in_two_months = next_month(next_month(month_start(today)))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{partition_name(in_two_months)}"')
    ancient = month_start(
        today - dt.timedelta(days=max(settings.AUDIT_RETENTION_DAYS.values()) + 62)
    )
    assert partition_ensure(ancient)
    kept_before = {p.name for p in partitions_list()} - {partition_name(ancient)}

    result = partitions_maintain(today=today)

    assert result == {
        "created": [partition_name(in_two_months)],
        "dropped": [partition_name(ancient)],
    }
    names = {p.name for p in partitions_list()}
    assert names == kept_before | {partition_name(in_two_months)}
    # Idempotent: a second run (beat, or a retried task) changes nothing.
    assert partitions_maintain(today=today) == {"created": [], "dropped": []}
    assert {p.name for p in partitions_list()} == names


def test_partitions_maintain_keeps_every_month_within_the_longest_retention(settings):
    settings.AUDIT_RETENTION_DAYS = {"starter": 30, "professional": 60, "enterprise": 90}
    today = dt.date(2031, 1, 10)
    partition_ensure(dt.date(2030, 9, 1))  # ends 1 October: wholly older than 90 days
    partition_ensure(dt.date(2030, 10, 1))  # still holds days within the window

    result = partitions_maintain(today=today)

    # Ahead: January (the current month) through April 2031 (three months on).
    assert result["created"] == [
        "auditlog_event_p203101",
        "auditlog_event_p203102",
        "auditlog_event_p203103",
        "auditlog_event_p203104",
    ]
    cutoff = today - dt.timedelta(days=90)
    remaining = partitions_list()
    assert all(p.end > cutoff for p in remaining)
    assert "auditlog_event_p203009" in result["dropped"]
    assert all(name < "auditlog_event_p203010" for name in result["dropped"])
    # October 2030 stays whole: retention drops partitions, it never deletes rows.
    assert [p.start for p in remaining] == [
        dt.date(2030, 10, 1),
        *[dt.date(2031, m, 1) for m in range(1, 5)],
    ]


def test_partitions_maintain_task_runs_the_service(celery_eager):
    from auditlog.tasks import partitions_maintain as task

    today = timezone.now().date()
    ahead = next_month(next_month(next_month(month_start(today))))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{partition_name(ahead)}"')

    result = task.delay().get()

    assert result == {"created": [partition_name(ahead)], "dropped": []}
    assert partition_exists(partition_name(ahead))
