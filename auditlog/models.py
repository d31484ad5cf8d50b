"""The audit event: append-only, range-partitioned by month on `occurred_at` (SPEC S2, S12).

The table is created by hand-written SQL in the migrations (a partitioned parent with monthly
partitions); Django's model describes the same columns. Its primary key is
`(account_id, occurred_at, id)`: it leads with the account (distribution by account on Citus) and
contains the partition key (PostgreSQL requires it of a partitioned table's keys).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TenantModel

EVENT_ID_SEQUENCE = "auditlog_event_id_seq"


class ActorType(models.TextChoices):
    USER = "user", _("User")
    EMPLOYEE = "employee", _("Platform employee")
    INTEGRATION = "integration", _("Integration")


class Event(TenantModel):
    pk = models.CompositePrimaryKey("account", "occurred_at", "id")
    id = models.BigIntegerField(
        db_default=models.Func(models.Value(EVENT_ID_SEQUENCE), function="nextval"),
        editable=False,
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(db_default=models.functions.Now())

    category = models.CharField(max_length=40)
    subcategory = models.CharField(max_length=40)
    action = models.CharField(max_length=20)

    actor_type = models.CharField(max_length=12, choices=ActorType.choices)
    # Plain ids, no foreign-key constraint: a partitioned, append-only table outlives the people.
    actor_user = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_employee = models.ForeignKey(
        "accounts.Employee",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_integration = models.CharField(max_length=80, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    actor_department = models.CharField(max_length=32, blank=True)
    actor_team_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=2000, blank=True)

    ip_address = models.GenericIPAddressField(null=True)
    country_code = models.CharField(max_length=2, blank=True)
    country = models.CharField(max_length=80, blank=True)
    region = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    login_type = models.CharField(max_length=40, blank=True)
    user_agent = models.TextField(blank=True)
    browser = models.CharField(max_length=80, blank=True)
    os = models.CharField(max_length=80, blank=True)
    device = models.CharField(max_length=80, blank=True)

    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        # Mirrors the indexes the partitioning migration creates on the parent table. The
        # unfiltered, newest-first list is served by the primary key (account_id, occurred_at, id)
        # read backwards.
        indexes = [
            # Subcategory and action ride along, so a category filter narrowed by either (and its
            # bounded count) is answered from the index alone.
            models.Index(
                "account",
                "category",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                include=["subcategory", "action"],
                name="event_account_cat_idx",
            ),
            # Category and action together: the catalog's most used narrowing (and its count).
            models.Index(
                "account",
                "category",
                "action",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="event_account_cat_action_idx",
            ),
            models.Index(
                "account",
                "action",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="event_account_action_idx",
            ),
            models.Index(
                "account",
                "actor_user",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="event_account_actor_idx",
            ),
            models.Index(
                "account",
                "object_type",
                "object_id",
                models.F("occurred_at").desc(),
                name="event_account_object_idx",
            ),
            models.Index(fields=["account", "id"], name="event_account_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.subcategory}/{self.action} by {self.actor_email}"
