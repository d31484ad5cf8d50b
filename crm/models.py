"""The account's CRM: records of several object types, their associations, soft delete (SPEC S6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel, tenant_row_id


class ObjectType(models.TextChoices):
    CONTACT = "contact", _("Contact")
    COMPANY = "company", _("Company")
    DEAL = "deal", _("Deal")
    TICKET = "ticket", _("Ticket")
    CUSTOM = "custom_object", _("Custom object")


class Record(TenantModel):
    """A CRM record; deleting it keeps the row (restorable for 90 days) until it is purged."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    custom_type_name = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=255)
    properties = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["account", "object_type", "label"], name="record_type_label_idx"),
            models.Index(
                fields=["account", "deleted_at"],
                name="record_deleted_idx",
                condition=models.Q(deleted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def type_label(self) -> str:
        return self.custom_type_name or self.get_object_type_display()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Association(TenantModel):
    """A labelled link between two records of the same account."""

    pk = models.CompositePrimaryKey("account", "id")
    id = tenant_row_id()
    from_record_id = models.BigIntegerField()
    to_record_id = models.BigIntegerField()
    from_record = models.ForeignObject(
        Record,
        on_delete=models.CASCADE,
        from_fields=("account", "from_record_id"),
        to_fields=("account", "id"),
        related_name="associations_from",
    )
    to_record = models.ForeignObject(
        Record,
        on_delete=models.CASCADE,
        from_fields=("account", "to_record_id"),
        to_fields=("account", "id"),
        related_name="associations_to",
    )
    label = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", "from_record_id", "to_record_id", "label", name="association_unique"
            )
        ]


class PurgeLog(TenantModel):
    """What the daily purge permanently removed: records deleted more than 90 days before."""

    pk = models.CompositePrimaryKey("account", "record_id")
    record_id = models.BigIntegerField()
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    label = models.CharField(max_length=255)
    deleted_at = models.DateTimeField()
    purged_at = models.DateTimeField(auto_now_add=True)
