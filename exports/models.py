"""Export jobs (SPEC S4, S10): a durable row per requested export, written in the request's
transaction and run by a worker that claims it.

Status runs pending → running → done / failed (and done → expired once the file is deleted).
`attempts` counts claims: it doubles as the claim token, so a worker that lost its claim (a newer
claim took over after its heartbeat went stale) can neither write progress nor finish the job.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel, tenant_row_id
from notifications.models import EmailStatus


class Kind(models.TextChoices):
    AUDIT_LOG = "audit_log", _("Audit log")
    EMPLOYEE_ACCESS = "employee_access", _("Employee access history")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


ACTIVE = (Status.PENDING, Status.RUNNING)


def export_upload_to(job: ExportJob, filename: str) -> str:
    return f"exports/{job.account_id}/{filename}"


class ExportJob(TenantModel):
    """One export a member asked for: what to export (frozen at request time) and how it went."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    requester = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AUDIT_LOG)

    # What to export, frozen when it was requested: the page's filters, the date range resolved
    # to instants (a "Last 30 days" export covers the 30 days the person saw), and the time zone
    # and language the file is written in.
    view_name = models.CharField(max_length=120, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    whole_log = models.BooleanField(default=False)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    content_excluded = models.BooleanField(default=False)
    time_zone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=8, default="en")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    estimated_rows = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    gzipped = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    # The email with the link (and the small file), delivered like every email of the console.
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # The Security activity / Export event that records the request.
    event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                "account", "requester", models.F("created_at").desc(), name="exportjob_mine_idx"
            ),
            # The sweep's scan for work left behind: tiny, as only unfinished jobs are in it.
            models.Index(
                fields=["account", "status", "heartbeat_at"],
                name="exportjob_active_idx",
                condition=models.Q(status__in=["pending", "running"]),
            ),
            models.Index(
                fields=["account", "expires_at"],
                name="exportjob_expiry_idx",
                condition=models.Q(status="done"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export #{self.id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_expired(self) -> bool:
        return self.status == Status.EXPIRED or (
            self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def is_downloadable(self) -> bool:
        return self.status == Status.DONE and bool(self.file) and not self.is_expired
