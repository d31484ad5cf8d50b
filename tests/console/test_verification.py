"""Verifying the log from the console (SPEC S12): "Verified through …" on the Audit Logs page, a
super admin's verification job with progress, and its start and outcome as events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from auditlog.integrity import verify
from auditlog.integrity.checkpoints import checkpoints_write
from auditlog.integrity.statements import checkpoint_path
from auditlog.models import Event, Verification
from auditlog.services import Actor, EventInput, event_record
from console.models import VerificationJob, VerificationJobStatus
from console.verification import (
    VERIFICATION_RUN_TASK,
    verification_claim,
    verification_run,
    verification_start,
    verifications_sweep,
)

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path) -> Path:
    """Checkpoint copies go to a storage of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def record(account, actor, count: int = 1) -> None:
    with scope(account=account):
        for _ in range(count):
            event_record(
                account=account,
                entry=EventInput(
                    category="crm_objects", subcategory="contact", action="update",
                    actor=Actor.of_user(actor),
                ),
            )  # fmt: skip


def membership_of(account, user):
    with scopes_disabled():
        return user.memberships.get(account=account)


def verification_events(account) -> list[Event]:
    with scope(account=account):
        return list(
            Event.objects.filter(account=account, subcategory="log_verification").order_by("seq")
        )


def the_job(account) -> VerificationJob:
    with scope(account=account):
        return VerificationJob.objects.select_related("account", "requester").get(account=account)


def page(client, account) -> str:
    response = client.get(reverse("console:events", kwargs={"account_id": account.pk}))
    assert response.status_code == 200
    return response.content.decode()


@committed
def test_a_super_admin_verifies_the_log_as_a_job_whose_start_and_outcome_are_events(
    account, super_admin, client_for, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    record(account, super_admin, 5)
    checkpoints_write()
    client = client_for(super_admin)
    start = reverse("console:verification_start", kwargs={"account_id": account.pk})
    assert "Verify the log now" in page(client, account)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job = the_job(account)
    assert job.status == VerificationJobStatus.PENDING
    assert enqueued == [(VERIFICATION_RUN_TASK, [account.pk, job.id])]
    assert 'hx-trigger="every 2s"' in response.content.decode()  # the strip polls meanwhile
    # Asking again while it waits gives the same job, not a second one.
    client.post(start)
    assert the_job(account).id == job.id
    [started] = verification_events(account)
    assert (started.action, started.actor_user_id) == ("start", super_admin.pk)
    assert started.metadata == {"verification_job_id": job.id}

    progress: list[tuple[int, int]] = []
    monkeypatch.setattr(verify, "PROGRESS_EVERY", 2)
    real_write = verify.chain_verify

    def watched(**kwargs):
        report = kwargs["on_progress"]

        def on_progress(checked: int) -> None:
            report(checked)
            # The walk's connection is streaming; the heartbeat's own one reads the row.
            with report.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT events_checked, progress_percent FROM console_verificationjob "
                    "WHERE id = %s",
                    [job.id],
                )
                progress.append(cursor.fetchone())

        return real_write(**{**kwargs, "on_progress": on_progress})

    monkeypatch.setattr("console.verification.chain_verify", watched)
    with scope(account=account):
        assert verification_run(job=job) is True
        assert verification_run(job=job) is False  # done: a second delivery does nothing

    job = the_job(account)
    # The five, the sign-in, the page view and the start.
    assert job.events_total == 8
    assert progress == [(2, 25), (4, 50), (6, 75), (8, 99)]
    assert (job.status, job.outcome, job.progress_percent) == ("done", "verified", 100)
    assert job.events_checked == job.through_seq == 8 and job.heartbeat_at is not None
    finished = verification_events(account)[-1]
    assert finished.action == "verify" and finished.actor_user_id == super_admin.pk
    assert finished.metadata["outcome"] == "verified"
    assert finished.metadata["through_seq"] == 8
    assert finished.metadata["checkpoint_seq"] == 5

    html = page(client, account)
    with scopes_disabled():
        signed_at = Verification.objects.get(account=account).checkpoint_seq
    assert signed_at == 5
    assert "Verified through" in html
    assert "found the chain intact" in html


def test_members_see_verified_through_but_not_the_button(
    account, super_admin, member, client_for, storage
):
    record(account, super_admin, 3)
    checkpoints_write()
    verify.chain_verify(account_id=account.pk)
    html = page(client_for(member), account)
    assert "Verified through" in html
    assert "Verify the log now" not in html
    response = client_for(member).post(
        reverse("console:verification_start", kwargs={"account_id": account.pk})
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert not VerificationJob.objects.exists()
    with pytest.raises(Exception, match="Only super admins"), scope(account=account):
        verification_start(account=account, membership=membership_of(account, member))


def test_the_page_names_a_broken_link_and_a_checkpoint_file_missing_from_storage(
    account, super_admin, client_for, storage
):
    record(account, super_admin, 3)
    checkpoints_write()
    (storage / checkpoint_path(account.pk, 3)).unlink()
    assert verify.chain_verify(account_id=account.pk).ok
    html = page(client_for(super_admin), account)
    assert "1 warning about storage" in html
    assert f"checkpoints/{account.pk}/3.json" in html

    with connection.cursor() as cursor:  # a forged edit, past the append-only trigger
        cursor.execute("ALTER TABLE auditlog_event DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE auditlog_event SET actor_name = 'Mallory' WHERE account_id = %s AND seq = 2",
            [account.pk],
        )
        cursor.execute("ALTER TABLE auditlog_event ENABLE TRIGGER USER")
    assert not verify.chain_verify(account_id=account.pk).ok
    html = page(client_for(super_admin), account)
    assert "Verification failed at seq 2 (hash_mismatch)" in html


def test_the_status_strip_is_its_own_route_for_polling(account, super_admin, member, client_for):
    url = reverse("console:verification", kwargs={"account_id": account.pk})
    response = client_for(member).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The log has not been verified yet." in response.content.decode()


def test_a_claimed_job_is_not_claimed_twice_and_the_sweep_hands_on_a_dead_run(
    account, super_admin, enqueued
):
    with scope(account=account):
        job = verification_start(account=account, membership=membership_of(account, super_admin))
        assert verification_claim(job=job) == 1
        assert verification_claim(job=job) is None  # its worker is alive
        stale = timezone.now() - dt.timedelta(hours=1)
        VerificationJob.objects.filter(account=account, id=job.id).update(heartbeat_at=stale)
    assert verifications_sweep() == 1
    assert enqueued[-1] == (VERIFICATION_RUN_TASK, [account.pk, job.id])
    with scopes_disabled():
        VerificationJob.objects.filter(id=job.id).update(attempts=3)
    assert verifications_sweep() == 0
    assert the_job(account).status == VerificationJobStatus.FAILED
