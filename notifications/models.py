"""In-app notifications, their email delivery, and audit-log alert settings (SPEC S7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel, tenant_row_id


class Kind(models.TextChoices):
    EXPORT_READY = "export_ready", _("Export ready")
    EXPORT_FAILED = "export_failed", _("Export failed")
    MENTION = "mention", _("Tagged in a comment")
    ALERT = "alert", _("Alert")


class EmailStatus(models.TextChoices):
    NONE = "", _("No email")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")


class Notification(TenantModel):
    """A message to one member of an account; optionally also sent by email."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                "account", "recipient", models.F("created_at").desc(), name="notification_inbox_idx"
            ),
            models.Index(
                fields=["account", "recipient"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["email_status"],
                name="notification_email_pending_idx",
                condition=models.Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AlertSetting(TenantModel):
    """A super admin's audit-log alert choices for one account (Notifications → Audit logs)."""

    pk = models.CompositePrimaryKey("account", "user")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    multiple_exports = models.BooleanField(_("Multiple exports"), default=False)
    multiple_exports_threshold = models.PositiveIntegerField(_("Exports per day"), default=10)
    removed_admin_rights = models.BooleanField(_("Removed admin rights"), default=False)
    updated_at = models.DateTimeField(auto_now=True)


class AlertFired(TenantModel):
    """That an alert was sent, so a daily check notifies each person once per account and day."""

    pk = models.CompositePrimaryKey("account", "user", "alert", "day")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    alert = models.CharField(max_length=32)
    day = models.DateField()
    fired_at = models.DateTimeField(auto_now_add=True)
