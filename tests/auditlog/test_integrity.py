"""Tamper evidence (SPEC S12): the hash chain, append-only events, signed checkpoints and
retention anchors, and verification naming the first broken or missing link."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Tier
from auditlog.integrity import keys
from auditlog.integrity.canonical import (
    FIELDS,
    GENESIS,
    MAX_SAFE_INTEGER,
    event_canonical,
    event_hash,
    event_values,
    jcs,
    metadata_canonical,
    row_canonical,
    rows_select,
)
from auditlog.integrity.checkpoints import checkpoints_write, statements_store_pending
from auditlog.integrity.statements import checkpoint_path, checkpoint_statement
from auditlog.integrity.verify import chain_verify
from auditlog.models import (
    ChainHead,
    Checkpoint,
    Event,
    RetentionAnchor,
    Verification,
    VerificationStatus,
)
from auditlog.partitions import partition_ensure, partition_name, partitions_list
from auditlog.services import (
    Actor,
    EventInput,
    InvalidEvent,
    event_record,
    events_bulk_load,
    partitions_maintain,
)
from tests.factories import account_with_tier, member_of

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def storage(settings, tmp_path) -> Path:
    """Checkpoint copies go to a storage of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def entry(actor, **fields) -> EventInput:
    defaults = {"category": "crm_objects", "subcategory": "contact", "action": "update"}
    return EventInput(actor=Actor.of_user(actor), **{**defaults, **fields})


def record(account, actor, count: int = 1, **fields) -> list[Event]:
    return [
        event_record(account=account, entry=entry(actor, object_label=f"Contact {n}", **fields))
        for n in range(count)
    ]


def chain_of(account) -> list[Event]:
    with scope(account=account):
        return list(Event.objects.filter(account=account).order_by("seq"))


def head_of(account) -> ChainHead:
    with scope(account=account):
        return ChainHead.objects.get(account=account)


def tamper(sql: str, params: list | tuple = ()) -> None:
    """What someone with the database's superuser could do: change rows with triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = origin")


def verify_command(account) -> tuple[str, CommandError | None]:
    """audit_verify for one account: its output, and the error it exits with (if it fails)."""
    import io

    out = io.StringIO()
    try:
        call_command("audit_verify", "--account", str(account.pk), stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def verification_of(account) -> Verification:
    with scope(account=account):
        return Verification.objects.get(account=account)


# The canonical form --------------------------------------------------------------------------

SAFE_INTEGERS = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
SCALARS = (
    st.none()
    | st.booleans()
    | SAFE_INTEGERS
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=16,
)
DOCUMENTS = st.dictionaries(st.text(max_size=8), JSON, max_size=6)


@given(JSON)
def test_jcs_is_rfc8785(value):
    assert jcs(value) == rfc8785.dumps(value).decode()


@given(DOCUMENTS)
def test_metadata_canonical_is_rfc8785_of_the_parsed_text(document):
    text = json.dumps(document, ensure_ascii=bool(len(document) % 2))
    assert metadata_canonical(text) == rfc8785.dumps(json.loads(text)).decode()


def test_numbers_are_doubles_as_in_rfc8785():
    # Beyond 2**53 an integer reads as the double a JavaScript verifier would see.
    assert (
        jcs({"big": 2**60, "exact": 2**53 - 1})
        == '{"big":1152921504606847000,"exact":9007199254740991}'
    )
    assert jcs([1.0, 1e21, 1e-7, -0.0]) == "[1,1e+21,1e-7,0]"
    # Keys sort by UTF-16 code units: U+1F600 (a surrogate pair, D83D…) before U+FB01.
    assert jcs({"\ufb01": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb01":1}'
    with pytest.raises(ValueError):
        jcs({"nan": float("nan")})


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(DOCUMENTS.filter(lambda d: "\\u0000" not in json.dumps(d)))  # jsonb refuses NUL
def test_metadata_canonical_survives_postgresql_jsonb(document):
    stored = json.loads(json.dumps(document))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [json.dumps(stored)])
        printed = cursor.fetchone()[0]
    assert metadata_canonical(printed) == jcs(stored)


def test_every_stored_column_is_in_the_canonical_form():
    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "auditlog_event"
    )}  # fmt: skip
    assert columns == {*FIELDS, "hash"}
    assert {f.column for f in Event._meta.concrete_fields if f.column} == columns


TRICKY = 'He said "hi", \\ then\n\t\x01 left ","  — naïve 😀 \u2028'


def test_the_database_streams_rows_exactly_as_the_recorder_hashed_them(account, super_admin):
    event = event_record(
        account=account,
        entry=entry(
            super_admin,
            object_label=TRICKY,
            object_id='"42"',
            url="/a/b?c=1&d=\\",
            ip="::ffff:81.2.69.142",  # Python and PostgreSQL print this one differently
            user_agent=TRICKY,
            metadata={"before": {"name": TRICKY, "n": 1.5}, "ids": [3, 2**52], "\U0001f600": None},
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows_select()} FROM auditlog_event e WHERE e.account_id = %s AND e.id = %s",
            [account.pk, event.id],
        )
        _, _, stored, metadata, values = cursor.fetchone()
    [read] = chain_of(account)
    streamed = row_canonical(values, metadata_canonical(metadata))
    assert streamed == event_canonical(event_values(read))
    assert bytes(stored) == event_hash(GENESIS, streamed) == bytes(event.hash)
    assert read.ip_address == "::ffff:81.2.69.142"
    assert rfc8785.dumps(json.loads(streamed)) == streamed.encode()


def test_the_worked_example_of_docs_integrity_md_holds():
    text = (ROOT / "docs" / "integrity.md").read_text()
    section = text.split("## A worked example", 1)[1]
    canonical = re.search(r"```json\n(\{.*?\})\n```", section, re.S).group(1)
    values = json.loads(canonical)
    hashes = r"previous hash `([0-9a-f]{64})`.*?its hash is `([0-9a-f]{64})`"
    prev, stated = re.search(hashes, section, re.S).groups()
    values["occurred_at"] = dt.datetime.fromisoformat(values["occurred_at"])
    values["recorded_at"] = dt.datetime.fromisoformat(values["recorded_at"])
    assert event_canonical(values) == canonical
    assert event_hash(prev, canonical).hex() == stated


# The chain -------------------------------------------------------------------------------------


def test_each_account_gets_a_gap_free_chain_from_one(account, other_account, super_admin):
    other_admin = member_of(other_account, email="root@globex.test")
    mine = record(account, super_admin, 3)
    theirs = record(other_account, other_admin, 2)

    assert [e.seq for e in chain_of(account)] == [1, 2, 3]
    assert [e.seq for e in chain_of(other_account)] == [1, 2]
    prev = GENESIS
    for stored in chain_of(account):
        assert bytes(stored.hash) == event_hash(prev, event_canonical(event_values(stored)))
        prev = bytes(stored.hash).hex()
    head = head_of(account)
    assert (head.last_seq, bytes(head.last_hash)) == (3, bytes(mine[-1].hash))
    assert head_of(other_account).last_seq == 2 and theirs[0].seq == 1


def test_an_event_rolled_back_leaves_no_gap(account, super_admin):
    record(account, super_admin)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(account, super_admin)
        raise RuntimeError("the request failed after recording")
    record(account, super_admin)

    assert [e.seq for e in chain_of(account)] == [1, 2]
    assert chain_verify(account_id=account.pk).ok


def test_metadata_json_cannot_hold_is_refused_before_writing(account, super_admin):
    for bad in ({"n": float("nan")}, {"when": dt.date(2026, 1, 1)}, {"n": 10**400}):
        with pytest.raises(InvalidEvent) as raised:
            record(account, super_admin, metadata=bad)
        assert raised.value.field_name == "metadata"
    assert chain_of(account) == []
    with scope(account=account):
        assert not ChainHead.objects.filter(account=account).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_or_gap_the_chain():
    with scopes_disabled():
        account = account_with_tier(Tier.ENTERPRISE)
        person = member_of(account)
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def writer(bulk: bool) -> None:
        try:
            start.wait()
            for n in range(15):
                if bulk:
                    events_bulk_load(account=account, entries=[entry(person), entry(person)])
                else:
                    record(account, person, object_id=n)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(bulk,)) for bulk in (False, False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [e.seq for e in chain_of(account)] == list(range(1, 61))
    result = chain_verify(account_id=account.pk)
    assert (result.ok, result.events_checked, result.through_seq) == (True, 60, 60)


def test_a_bulk_load_chains_its_batch_in_time_order_after_what_came_before(account, super_admin):
    record(account, super_admin)
    now = timezone.now()
    entries = [
        entry(super_admin, object_label=label, occurred_at=now - dt.timedelta(minutes=minutes))
        for label, minutes in (("middle", 5), ("newest", 1), ("oldest", 9))
    ]
    assert events_bulk_load(account=account, entries=entries) == 3

    assert [(e.seq, e.object_label) for e in chain_of(account)] == [
        (1, "Contact 0"),
        (2, "oldest"),
        (3, "middle"),
        (4, "newest"),
    ]
    assert head_of(account).last_seq == 4
    assert chain_verify(account_id=account.pk).ok


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_of_the_previous_release():
    with scopes_disabled():
        account = account_with_tier(Tier.ENTERPRISE)
        other = account_with_tier(Tier.STARTER)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    executor.migrate([("auditlog", "0007_move_console_models_out")])
    try:
        with connection.cursor() as cursor:
            # Events as the previous release wrote them: no seq, no hash.
            for account_id, minutes, label in (
                (account.pk, 30, "second"),
                (account.pk, 50, "first"),
                (other.pk, 10, "only"),
                (account.pk, 5, "third"),
            ):
                cursor.execute(
                    "INSERT INTO auditlog_event (account_id, occurred_at, category, subcategory,"
                    " action, actor_type, object_label, metadata, ip_address) VALUES (%s,"
                    " now() - make_interval(mins => %s), 'crm_objects', 'contact', 'update',"
                    " 'user', %s, '{\"n\": 1.50, \"z\": [1, 2]}', '10.0.0.1')",
                    [account_id, minutes, label],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    assert [(e.seq, e.object_label) for e in chain_of(account)] == [
        (1, "first"),
        (2, "second"),
        (3, "third"),
    ]
    assert head_of(account).last_seq == 3 and head_of(other).last_seq == 1
    assert chain_verify(account_id=account.pk).ok and chain_verify(account_id=other.pk).ok
    # The chain goes on from there.
    record(account, member_of(account))
    assert chain_verify(account_id=account.pk).through_seq == 4


# Append-only -----------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_events(account, super_admin):
    [event] = record(account, super_admin)
    with scope(account=account):
        events = Event.objects.filter(account=account)
        with pytest.raises(DatabaseError, match="append-only: UPDATE"), transaction.atomic():
            events.update(action="delete")
        with pytest.raises(DatabaseError, match="append-only: DELETE"), transaction.atomic():
            events.delete()
    with (
        pytest.raises(DatabaseError, match="append-only: UPDATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE auditlog_event SET actor_email = 'someone@else.test'")
    assert [e.actor_email for e in chain_of(account)] == [event.actor_email]


def test_truncate_is_refused_unless_the_session_asks_for_it(account, super_admin):
    record(account, super_admin)
    fresh = dt.date(2017, 5, 1)
    partition_ensure(fresh)  # a partition made after the migration gets the guard too
    for table in ("auditlog_event", partition_name(timezone.now()), partition_name(fresh)):
        with (
            pytest.raises(DatabaseError, match="TRUNCATE"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL auditdesk.allow_truncate = off")
            cursor.execute(f'TRUNCATE "{table}"')
    assert len(chain_of(account)) == 1


# Retention ------------------------------------------------------------------------------------


def test_retention_anchors_what_it_drops_and_the_chain_still_verifies(
    settings, account, super_admin, storage, django_capture_on_commit_callbacks
):
    old = dt.datetime(2019, 3, 14, 9, 30, tzinfo=dt.UTC)
    record(account, super_admin, occurred_at=old)  # seq 1, March 2019
    record(account, super_admin)  # seq 2, now
    record(account, super_admin, occurred_at=old + dt.timedelta(days=1))  # seq 3, a backfill
    record(account, super_admin)  # seq 4
    with connection.cursor() as cursor:
        # Retention runs long after the events were committed; here they are in this test's own
        # transaction, and a table with deferred foreign-key checks pending cannot be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with django_capture_on_commit_callbacks(execute=True):
        result = partitions_maintain()

    assert partition_name(old) in result["dropped"]
    assert [e.seq for e in chain_of(account)] == [2, 4]
    with scope(account=account):
        [anchor] = RetentionAnchor.objects.filter(account=account)
    assert anchor.month == dt.date(2019, 3, 1) and anchor.events == 2
    assert [run[:2] for run in anchor.ranges] == [[1, 1], [3, 3]]
    assert anchor.ranges[0][2] == GENESIS and anchor.stored_at is not None
    assert (storage / "checkpoints" / str(account.pk) / "retention-2019-03.json").exists()
    verified = chain_verify(account_id=account.pk)
    assert (verified.ok, verified.events_checked, verified.through_seq) == (True, 2, 4)
    assert verified.warnings == []


def test_retention_keeps_a_partition_whose_events_do_not_verify(account, super_admin, caplog):
    old = dt.datetime(2019, 3, 14, tzinfo=dt.UTC)
    [event] = record(account, super_admin, occurred_at=old)
    tamper("UPDATE auditlog_event SET object_label = 'edited' WHERE id = %s", [event.id])

    assert partition_name(old) not in partitions_maintain()["dropped"]
    assert partition_name(old) in {p.name for p in partitions_list()}
    assert "does not verify" in caplog.text
    with scope(account=account):
        assert not RetentionAnchor.objects.filter(account=account).exists()


# Checkpoints ----------------------------------------------------------------------------------


def test_checkpoints_are_signed_chained_and_kept_in_storage(
    account, other_account, super_admin, storage, django_capture_on_commit_callbacks, client
):
    record(account, super_admin, 3)
    with django_capture_on_commit_callbacks(execute=True):
        [first] = checkpoints_write()
    assert (first.account_id, first.seq, bytes(first.hash)) == (
        account.pk,
        3,
        bytes(chain_of(account)[-1].hash),
    )
    assert checkpoints_write() == []  # nothing new: nothing signed

    record(account, super_admin)
    record(other_account, member_of(other_account, email="root@globex.test"))
    with django_capture_on_commit_callbacks(execute=True):
        second, theirs = checkpoints_write()
    assert (second.seq, bytes(second.previous_signature)) == (4, bytes(first.signature))
    assert (theirs.account_id, theirs.previous_signature) == (other_account.pk, b"")

    # The copy in storage says the same, signed, and the served public key verifies it.
    document = json.loads((storage / checkpoint_path(account.pk, 4)).read_text())
    assert document["statement"] == checkpoint_statement(second)
    assert document["statement"]["previous_signature"] == base64.b64encode(first.signature).decode()
    response = client.get("/.well-known/auditdesk-signing-key.pem")
    public = serialization.load_pem_public_key(response.content)
    public.verify(
        base64.b64decode(document["signature"]), rfc8785.dumps(document["statement"])
    )  # raises InvalidSignature when it does not hold
    assert response["Auditdesk-Key-Id"] == document["statement"]["key_id"]
    with scope(account=account):
        assert Checkpoint.objects.filter(account=account, stored_at__isnull=True).count() == 0
    result = chain_verify(account_id=account.pk)
    assert (result.ok, result.checkpoint_seq, result.warnings) == (True, 4, [])


def test_the_checkpoint_task_runs_the_service(account, super_admin, celery_eager):
    from auditlog.tasks import checkpoints_write as task

    record(account, super_admin)
    assert task.delay().get() == 1
    assert "auditlog.tasks.checkpoints_write" in {
        entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_a_checkpoint_copy_missing_from_storage_is_reported_and_written_again(
    account, super_admin, storage, django_capture_on_commit_callbacks
):
    record(account, super_admin, 2)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints_write()
    copy = storage / checkpoint_path(account.pk, 2)
    copy.unlink()

    result = chain_verify(account_id=account.pk)
    assert result.ok
    assert result.warnings == [
        f"the storage copy checkpoints/{account.pk}/2.json of the checkpoint at seq 2 is missing"
    ]
    assert verification_of(account).warnings == result.warnings

    with scope(account=account):
        Checkpoint.objects.filter(account=account).update(stored_at=None)  # as if storage was down
    assert statements_store_pending() == 1
    assert copy.exists() and chain_verify(account_id=account.pk).warnings == []


def test_a_broken_chain_gets_no_checkpoint(
    account, super_admin, django_capture_on_commit_callbacks
):
    record(account, super_admin, 2)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints_write()
    [third] = record(account, super_admin)
    tamper("UPDATE auditlog_event SET action = 'delete' WHERE id = %s", [third.id])

    # The checkpoint verifies what it would vouch for: the events since the last one.
    assert checkpoints_write() == []
    with scope(account=account):
        assert list(Checkpoint.objects.filter(account=account).values_list("seq", flat=True)) == [2]
    verification = verification_of(account)
    assert (verification.status, verification.failure_seq) == (VerificationStatus.FAILED, 3)
    assert (verification.failure_check, verification.failure_event_id) == (
        "hash_mismatch",
        third.id,
    )


# The signing key ------------------------------------------------------------------------------


def test_a_signing_key_is_base64_of_its_seed_or_pem():
    seed = keys.key_generate()
    key = keys.private_key_parse(seed)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    same = keys.private_key_parse(pem)
    assert keys.key_id(same.public_key()) == keys.key_id(key.public_key())
    assert keys.private_key_parse(seed.replace("+", "-").replace("/", "_").rstrip("="))
    for bad, reason in (
        ("not a key!", "neither a PEM block nor base64"),
        (base64.b64encode(b"short").decode(), "base64 of 5 bytes"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "not an unencrypted"),
    ):
        with pytest.raises(ValueError, match=reason):
            keys.private_key_parse(bad)


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": "test",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUDIT_SIGNING_KEY": "not a key!"}, "AUDIT_SIGNING_KEY is malformed"),
        ({"DEMO_ENABLED": "0"}, "AUDIT_SIGNING_KEY is not set"),
        (
            {"AUDIT_SIGNING_KEY": keys.key_generate(), "AUDIT_PREVIOUS_PUBLIC_KEYS": "nope"},
            "AUDIT_PREVIOUS_PUBLIC_KEYS is malformed",
        ),
    ],
)
def test_a_missing_or_wrong_signing_key_stops_start_up_naming_the_variable(env, message):
    started = _start(env)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and message in started.stderr


def test_development_generates_the_signing_key_once(tmp_path):
    for _ in range(2):
        assert _start({"DEMO_ENABLED": "1", "AUDITDESK_DATA_DIR": str(tmp_path)}).returncode == 0
    key = (tmp_path / "audit_signing_key").read_text().strip()
    assert keys.private_key_parse(key)
    assert (tmp_path / "audit_signing_key").stat().st_mode & 0o077 == 0


def test_statements_of_a_previous_key_still_verify_after_rotation(settings):
    old = keys.key_generate()
    settings.AUDIT_SIGNING_KEY = old
    statement = {"type": "auditdesk.checkpoint", "seq": 1, "key_id": keys.current_key_id()}
    signature = keys.statement_sign(statement)

    settings.AUDIT_SIGNING_KEY = keys.key_generate()
    assert not keys.statement_verify(statement, signature)
    settings.AUDIT_PREVIOUS_PUBLIC_KEYS = [
        keys.public_key_base64(keys.private_key_parse(old).public_key())
    ]
    assert keys.statement_verify(statement, signature)
    assert not keys.statement_verify({**statement, "seq": 2}, signature)


# Tampering, each named by audit_verify ----------------------------------------------------------


@pytest.fixture
def chained(account, super_admin, django_capture_on_commit_callbacks) -> list[Event]:
    """Six events, the first five under a signed checkpoint (stored), the sixth after it."""
    events = record(account, super_admin, 5)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints_write()
    events += record(account, super_admin)
    output, error = verify_command(account)
    assert error is None and "verified — 6 events through seq 6" in output
    return chain_of(account)


def assert_named(account, *, seq: int, check: str, event_id: int | None = None) -> str:
    output, error = verify_command(account)
    assert error is not None and error.returncode == 1, output
    verification = verification_of(account)
    assert (verification.status, verification.failure_seq, verification.failure_check) == (
        VerificationStatus.FAILED,
        seq,
        check,
    )
    assert verification.failure_event_id == event_id
    assert f"FAILED at seq {seq}" in output and check in output
    return output


def test_a_field_edited_with_the_trigger_off_is_named(account, chained):
    tamper("UPDATE auditlog_event SET actor_email = 'nobody@x.test' WHERE id = %s", [chained[2].id])
    output = assert_named(account, seq=3, check="hash_mismatch", event_id=chained[2].id)
    assert f"event {chained[2].id}" in output and "intact through seq 2" in output


def test_a_deleted_event_is_named(account, chained):
    tamper("DELETE FROM auditlog_event WHERE id = %s", [chained[3].id])
    output = assert_named(account, seq=4, check="seq_missing")
    assert f"the next event is seq 5 (event {chained[4].id})" in output


def test_a_forged_event_is_named(account, chained, super_admin):
    # A copy of event 2 that says something else, hashed as the chain would: two events at seq 2.
    victim = chained[1]
    values = {**event_values(victim), "id": 10**9, "object_label": "Nothing happened"}
    forged = event_hash(bytes(chained[0].hash).hex(), event_canonical(values))
    tamper(
        "INSERT INTO auditlog_event SELECT account_id, occurred_at, 1000000000, recorded_at,"
        " category, subcategory, action, actor_type, actor_user_id, actor_employee_id,"
        " actor_integration, actor_email, actor_name, actor_department, actor_team_ids,"
        " object_type, object_id, 'Nothing happened', url, ip_address, country_code, country,"
        " region, city, login_type, user_agent, browser, os, device, metadata, seq, %s"
        " FROM auditlog_event WHERE id = %s",
        [forged, victim.id],
    )
    _, error = verify_command(account)
    verification = verification_of(account)
    assert error is not None
    assert (verification.failure_seq, verification.failure_check) == (2, "seq_duplicate")
    assert verification.failure_event_id in {victim.id, 10**9}


def test_two_swapped_events_are_named(account, chained):
    second, third = chained[1], chained[2]
    tamper(
        "UPDATE auditlog_event SET seq = CASE id WHEN %s THEN 3 ELSE 2 END WHERE id IN (%s, %s)",
        [second.id, second.id, third.id],
    )
    assert_named(account, seq=2, check="hash_mismatch", event_id=third.id)


def test_a_cut_off_tail_is_found_through_the_checkpoint(account, chained):
    # Events 4 to 6 deleted, and the chain head set back to 3 so that it does not tell.
    tamper("DELETE FROM auditlog_event WHERE account_id = %s AND seq > 3", [account.pk])
    tamper(
        "UPDATE auditlog_chainhead SET last_seq = 3, last_hash = %s WHERE account_id = %s",
        [bytes(chained[2].hash), account.pk],
    )
    output = assert_named(account, seq=4, check="tail_missing")
    assert "a signed checkpoint reaches seq 5" in output


def test_a_cut_off_tail_is_found_through_the_head(account, chained):
    tamper("DELETE FROM auditlog_event WHERE account_id = %s AND seq = 6", [account.pk])
    output = assert_named(account, seq=6, check="tail_missing")
    assert "the chain head reaches seq 6" in output


def _rewrite_from(account, seq: int) -> None:
    """Recompute every hash from `seq` on and the head, as someone who knows the algorithm."""
    events = chain_of(account)
    prev = bytes(events[seq - 2].hash).hex() if seq > 1 else GENESIS
    for event in events[seq - 1 :]:
        digest = event_hash(prev, event_canonical(event_values(event)))
        tamper("UPDATE auditlog_event SET hash = %s WHERE id = %s", [digest, event.id])
        prev = digest.hex()
    tamper(
        "UPDATE auditlog_chainhead SET last_hash = %s WHERE account_id = %s",
        [bytes.fromhex(prev), account.pk],
    )


def test_a_chain_recomputed_after_an_edit_is_found_through_the_checkpoint(account, chained):
    tamper("UPDATE auditlog_event SET action = 'view' WHERE id = %s", [chained[1].id])
    _rewrite_from(account, 2)
    assert_named(account, seq=5, check="checkpoint_mismatch")


def test_a_chain_and_its_checkpoint_rewritten_are_found_through_the_signature(account, chained):
    tamper("UPDATE auditlog_event SET action = 'view' WHERE id = %s", [chained[1].id])
    _rewrite_from(account, 2)
    tamper(
        "UPDATE auditlog_checkpoint SET hash = %s WHERE account_id = %s AND seq = 5",
        [bytes(chain_of(account)[4].hash), account.pk],
    )
    output = assert_named(account, seq=5, check="checkpoint_signature")
    assert "not signed by a known key" in output


def test_checkpoints_deleted_from_the_database_are_found_in_storage(account, chained):
    tamper("UPDATE auditlog_event SET action = 'view' WHERE id = %s", [chained[1].id])
    _rewrite_from(account, 2)
    tamper("DELETE FROM auditlog_checkpoint WHERE account_id = %s", [account.pk])
    output = assert_named(account, seq=5, check="checkpoint_missing")
    assert f"checkpoints/{account.pk}/5.json" in output


def test_a_deleted_chain_head_is_named(account, chained):
    tamper("DELETE FROM auditlog_chainhead WHERE account_id = %s", [account.pk])
    assert_named(account, seq=6, check="head_mismatch")


def test_an_account_without_events_verifies_with_none(account):
    output, error = verify_command(account)
    assert error is None
    assert f"account {account.pk} (Northwind Test): verified — 0 events through seq 0" in output
    verification = verification_of(account)
    assert (verification.status, verification.events_checked, verification.through_seq) == (
        VerificationStatus.VERIFIED,
        0,
        0,
    )


def test_audit_verify_checks_every_account_and_refuses_an_unknown_one(account, other_account):
    import io

    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"account {account.pk} " in out.getvalue()
    assert f"account {other_account.pk} " in out.getvalue()
    with pytest.raises(CommandError, match="no account with id 0"):
        call_command("audit_verify", "--account", "0")


def test_the_public_key_is_the_deployments(client):
    response = client.get("/.well-known/auditdesk-signing-key.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content.decode() == keys.public_key_pem()
    assert response["Auditdesk-Key-Id"] == keys.current_key_id()
