"""Export tasks, run in-process with `Task.apply()`: idempotent delivery, retries, giving up,
and the Celery settings that make a lost worker's job come back (the real worker runs in
test_worker.py)."""

from __future__ import annotations

import errno

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django_scopes import scope, scopes_disabled

from accounts.errors import Refused
from accounts.models import Membership, Product, Subscription, Tier
from exports import services, tasks
from exports.models import EmailStatus, Status
from notifications import delivery
from notifications.models import Kind, Notification
from tests.exports.helpers import job_of, request_export, stored_files

pytestmark = pytest.mark.django_db(transaction=True)


def notifications(account, user) -> list[Notification]:
    with scope(account=account):
        return list(Notification.objects.filter(account=account, recipient=user).order_by("id"))


def test_the_task_delivered_twice_makes_one_file_and_one_email(
    account, super_admin, record_event, enqueued
):
    record_event(account, actor=super_admin, object_label="Exactly once")
    job = request_export(account, super_admin)

    first = tasks.export_run.apply(args=[account.pk, job.id])
    second = tasks.export_run.apply(args=[account.pk, job.id])

    assert first.result is True and second.result is False
    assert len(stored_files(account)) == 1
    email_tasks = [args for name, args in enqueued if name == "exports.tasks.export_email_send"]
    assert email_tasks == [[account.pk, job.id]]
    for _ in range(2):
        tasks.export_email_send.apply(args=[account.pk, job.id])
    assert len(mail.outbox) == 1
    assert [n.kind for n in notifications(account, super_admin)] == [Kind.EXPORT_READY]
    job = job_of(job)
    assert job.status == Status.DONE and job.email_status == EmailStatus.SENT


def test_a_job_of_another_account_or_a_missing_job_is_ignored(
    account, other_account, super_admin, record_event
):
    job = request_export(account, super_admin)

    assert tasks.export_run.apply(args=[other_account.pk, job.id]).result is False
    assert tasks.export_run.apply(args=[account.pk, 987654321]).result is False
    assert tasks.export_run.apply(args=[987654321, job.id]).result is False
    assert job_of(job).status == Status.PENDING


def test_a_transient_database_error_is_retried_then_the_job_fails(
    account, super_admin, monkeypatch
):
    job = request_export(account, super_admin)

    def database_down(*, job):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "export_source", database_down)

    # In-process, Celery runs the retries at once (a worker waits 5 s, 10 s, 20 s between them).
    result = tasks.export_run.apply(args=[account.pk, job.id])

    assert result.state == "FAILURE"
    job = job_of(job)
    # Each retry claimed the job again: the failed run had handed it back (pending).
    assert job.status == Status.FAILED and job.attempts == 1 + tasks.export_run.max_retries
    assert "unexpected error" in job.error
    [note] = notifications(account, super_admin)
    assert note.kind == Kind.EXPORT_FAILED and note.body == job.error


def test_a_bug_fails_the_job_at_once(account, super_admin, monkeypatch):
    job = request_export(account, super_admin)
    monkeypatch.setattr(services, "export_source", lambda *, job: 1 / 0)

    assert tasks.export_run.apply(args=[account.pk, job.id]).state == "FAILURE"

    assert job_of(job).status == Status.FAILED


def test_the_time_limit_fails_the_job_with_a_reason(account, super_admin, monkeypatch):
    job = request_export(account, super_admin)

    def too_slow(*, job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "export_source", too_slow)
    tasks.export_run.apply(args=[account.pk, job.id])

    assert "time limit" in job_of(job).error


def test_filters_that_no_longer_hold_fail_the_job_instead_of_widening_it(
    account, super_admin, member, record_event
):
    record_event(account, actor=super_admin, object_label="Not Grace's")
    job = request_export(account, super_admin, {"actor": [f"u{member.pk}"]})
    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).delete()  # Grace left

    assert tasks.export_run.apply(args=[account.pk, job.id]).state == "FAILURE"

    job = job_of(job)
    assert job.status == Status.FAILED and "refused" in job.error
    assert stored_files(account) == []


class RefusingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("no mail server")


def test_an_email_failure_is_retried_then_marked_not_delivered_and_the_file_stays(
    account, super_admin, record_event, settings
):
    record_event(account, actor=super_admin, object_label="Undeliverable")
    job = request_export(account, super_admin)
    assert tasks.export_run.apply(args=[account.pk, job.id]).result is True
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    # In-process, Celery runs the retries at once (a worker backs off 30 s, 60 s, 120 s).
    last = tasks.export_email_send.apply(args=[account.pk, job.id])

    assert last.state == "SUCCESS" and last.result is False
    job = job_of(job)
    assert job.status == Status.DONE and job.email_status == EmailStatus.FAILED
    assert job.email_attempts == delivery.MAX_EMAIL_ATTEMPTS
    assert job.is_downloadable
    [note] = notifications(account, super_admin)
    assert note.kind == Kind.EXPORT_READY  # still in the notification centre


def test_the_export_task_is_configured_to_survive_a_lost_worker():
    task = tasks.export_run
    assert task.acks_late and task.reject_on_worker_lost
    assert task.max_retries == 3 and task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit
    assert task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_beat_runs_the_sweep_every_minute_and_the_expiry_daily():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["exports.tasks.exports_sweep"] == 60.0
    assert "exports.tasks.exports_expire" in schedule
    assert tasks.exports_sweep.apply().result == {"enqueued": 0, "failed": 0, "emails": 0}
    assert tasks.exports_expire.apply().result == 0


# Refusals fail at once; only transient errors are retried -----------------------------------


@pytest.fixture
def retried(monkeypatch) -> list[BaseException]:
    """The errors the export tasks asked Celery to retry (their retries still run)."""
    calls: list[BaseException] = []
    for task in (tasks.export_run, tasks.export_email_send):
        original = task.retry

        def retry(*args, _original=original, **kwargs):
            calls.append(kwargs.get("exc"))
            return _original(*args, **kwargs)

        monkeypatch.setattr(task, "retry", retry)
    return calls


def assert_refused_at_once(account, user, job, retried, why: str) -> None:
    job = job_of(job)
    assert job.status == Status.FAILED
    assert job.attempts == 1 and retried == []
    assert job.error.startswith("The export was refused") and why in job.error
    assert stored_files(account) == []
    [note] = notifications(account, user)
    assert note.kind == Kind.EXPORT_FAILED and note.body == job.error


def test_a_requester_who_lost_audit_log_access_is_refused_at_once(
    account, member, record_event, retried
):
    record_event(account, actor=member, object_label="No longer Grace's to read")
    job = request_export(account, member)
    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).update(audit_log_access=False)

    assert tasks.export_run.apply(args=[account.pk, job.id]).state == "FAILURE"

    assert_refused_at_once(
        account, member, job, retried, "You do not have access to the audit logs"
    )


def test_a_requester_who_left_the_account_is_refused_at_once(account, member, retried):
    job = request_export(account, member, whole_log=True)
    with scopes_disabled():
        Membership.objects.filter(account=account, user=member).update(is_active=False)

    tasks.export_run.apply(args=[account.pk, job.id])

    assert_refused_at_once(
        account, member, job, retried, "You do not have access to the audit logs"
    )


def test_the_content_gate_closing_between_request_and_run_refuses_the_export(
    account, super_admin, record_event, retried
):
    record_event(account, actor=super_admin, category="content_activity", subcategory="page",
                 action="update", object_label="Pricing page")  # fmt: skip
    job = request_export(account, super_admin, {"category": "content_activity"})
    with scopes_disabled():  # saved, not updated: the entitlements cache forgets on save
        content = Subscription.objects.get(account=account, product=Product.CONTENT)
        content.tier = Tier.PROFESSIONAL
        content.save()

    tasks.export_run.apply(args=[account.pk, job.id])

    assert_refused_at_once(account, super_admin, job, retried, "Exporting content activity needs")


def test_a_refusal_raised_in_the_run_is_not_retried(account, super_admin, monkeypatch, retried):
    job = request_export(account, super_admin)

    def refuse(*, job):
        raise Refused("Only super admins export this.")

    monkeypatch.setattr(services, "export_source", refuse)
    tasks.export_run.apply(args=[account.pk, job.id])

    assert_refused_at_once(account, super_admin, job, retried, "Only super admins export this.")


def test_a_permission_error_is_a_bug_not_a_hiccup(account, super_admin, monkeypatch, retried):
    job = request_export(account, super_admin)

    def denied(*, job):
        raise PermissionError(errno.EACCES, "Permission denied", "/exports")

    monkeypatch.setattr(services, "export_source", denied)
    tasks.export_run.apply(args=[account.pk, job.id])

    job = job_of(job)
    assert job.status == Status.FAILED and job.attempts == 1 and retried == []
    assert "unexpected error" in job.error


def test_a_full_disk_is_retried(account, super_admin, monkeypatch, retried):
    job = request_export(account, super_admin)

    def disk_full(*, job):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(services, "export_source", disk_full)
    tasks.export_run.apply(args=[account.pk, job.id])

    job = job_of(job)
    assert job.status == Status.FAILED and job.attempts == 1 + tasks.export_run.max_retries
    assert len(retried) == 1 + tasks.export_run.max_retries  # the last one gives up


class RejectingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise AnymailRecipientsRefused()


def test_a_rejected_recipient_marks_the_email_failed_without_a_retry(
    account, super_admin, record_event, settings, retried
):
    record_event(account, actor=super_admin, object_label="Unwanted")
    job = request_export(account, super_admin)
    assert tasks.export_run.apply(args=[account.pk, job.id]).result is True
    settings.EMAIL_BACKEND = f"{__name__}.RejectingBackend"

    result = tasks.export_email_send.apply(args=[account.pk, job.id])

    assert result.state == "SUCCESS" and result.result is False
    job = job_of(job)
    assert job.email_status == EmailStatus.FAILED and job.email_attempts == 1
    assert retried == []
    assert job.status == Status.DONE and job.is_downloadable
