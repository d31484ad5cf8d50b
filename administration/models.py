"""Account administration's own rows: invitations to join an account, and the password-reset
emails super admins send. Each carries its email's delivery state (notifications.delivery)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, TenantModel, tenant_row_id
from notifications.models import EmailStatus


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class Invitation(TenantModel):
    """An invitation by email to join the account with a role; its link is signed, names the
    invitation and its nonce, and works until it expires, is used or is revoked."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    email = models.EmailField(_("email"))
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    audit_log_access = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Part of the signed link; a resend draws a new one, so the link sent before stops working.
    nonce = models.CharField(max_length=32)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open invitation per address and account: a second one is a resend.
            models.UniqueConstraint(
                "account",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitation_pending_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["email_status"],
                name="invitation_email_pending_idx",
                condition=models.Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.account_id}"

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()


class PasswordResetEmail(TenantModel):
    """A password-reset email a super admin sent a member; the link in it is made when it is
    sent, from the person's current password, so it is never stored."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["email_status"],
                name="pwreset_email_pending_idx",
                condition=models.Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"password reset of {self.user_id} in {self.account_id}"
