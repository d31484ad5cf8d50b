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
    email_claimed_at = models.DateTimeField(null=True, blank=True)

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
