"""The console's own rows: saved views, comments and their mentions, audit-log alert settings.

Their tables keep the names they were created with (`auditlog_*`, `notifications_*`), so an
upgrade moves only Django's state, never the rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel, tenant_row_id


class Sharing(models.TextChoices):
    PRIVATE = "private", _("Private")
    EVERYONE = "everyone", _("Everyone in the account")


class SavedView(TenantModel):
    """A named set of filters, private to its owner or shared with everyone in the account."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    sharing = models.CharField(
        _("sharing"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE
    )
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "auditlog_savedview"
        constraints = [
            models.UniqueConstraint(
                "account", "owner", models.functions.Lower("name"), name="savedview_name_unique"
            )
        ]
        indexes = [models.Index(fields=["account", "sharing"], name="savedview_sharing_idx")]

    def __str__(self) -> str:
        return self.name


class Comment(TenantModel):
    """A comment on a log entry; replies point at their thread's first comment (SPEC S5).

    The body is plain text; a mention is stored as the marker `@{u:<user id>}` and shown with the
    person's current name, so no markup is ever stored."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    event_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True, blank=True)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "auditlog_comment"
        indexes = [
            models.Index(fields=["account", "event_id", "created_at"], name="comment_event_idx"),
            models.Index(fields=["account", "parent_id", "created_at"], name="comment_thread_idx"),
        ]

    def __str__(self) -> str:
        return f"comment {self.id} on event {self.event_id}"


class CommentMention(TenantModel):
    """A person tagged in a comment; notified once, when first tagged."""

    pk = models.CompositePrimaryKey("account", "comment_id", "user")
    comment_id = models.BigIntegerField()
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "auditlog_commentmention"

    def __str__(self) -> str:
        return f"{self.user_id} in comment {self.comment_id}"


class AlertSetting(TenantModel):
    """A super admin's audit-log alert choices for one account (Notifications → Audit logs)."""

    pk = models.CompositePrimaryKey("account", "user")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    multiple_exports = models.BooleanField(_("Multiple exports"), default=False)
    multiple_exports_threshold = models.PositiveIntegerField(_("Exports per day"), default=10)
    removed_admin_rights = models.BooleanField(_("Removed admin rights"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications_alertsetting"


class AlertFired(TenantModel):
    """That an alert was sent, so a daily check notifies each person once per account and day."""

    pk = models.CompositePrimaryKey("account", "user", "alert", "day")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    alert = models.CharField(max_length=32)
    day = models.DateField()
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "notifications_alertfired"


class VerificationJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class VerificationJob(TenantModel):
    """A verification of the account's chain that a super admin started from the console: run
    by a worker that claims it (`attempts` is the claim token), with progress and a heartbeat.
    `outcome` is the chain's verdict; status `failed` means the run itself could not finish."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    requester = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=VerificationJobStatus.choices, default=VerificationJobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    events_total = models.BigIntegerField(default=0)  # the chain head's seq when the run began
    events_checked = models.BigIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, blank=True)  # a VerificationStatus, once done
    through_seq = models.BigIntegerField(null=True, blank=True)
    failure_seq = models.BigIntegerField(null=True, blank=True)
    failure_check = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-created_at"], name="verificationjob_recent_idx")
        ]

    def __str__(self) -> str:
        return f"verification job {self.id} of account {self.account_id}: {self.status}"
