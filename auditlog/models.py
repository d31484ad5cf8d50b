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

from accounts.models import Account, TenantModel

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

    # The account's hash chain (auditlog/integrity, docs/integrity.md): `seq` is gap-free from 1
    # per account, assigned under the account's ChainHead lock (a unique index on a partitioned
    # table would have to contain occurred_at, so the lock is what keeps it unique); `hash` is
    # SHA-256 over the previous event's hash and this row's canonical form.
    seq = models.BigIntegerField(editable=False)
    hash = models.BinaryField(max_length=32, editable=False)

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
            # Verification walks an account's chain in seq order.
            models.Index(fields=["account", "seq"], name="event_account_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.subcategory}/{self.action} by {self.actor_email}"


class ChainHead(TenantModel):
    """Where an account's chain ends. Every writer locks it (`SELECT … FOR UPDATE`), so two
    writers never take the same seq or link to the same previous hash."""

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"chain of account {self.account_id} through seq {self.last_seq}"


class Checkpoint(TenantModel):
    """A signed statement of an account's chain head: seq, hash, time and the previous
    checkpoint's signature, signed with the deployment's key (a copy lives in storage)."""

    pk = models.CompositePrimaryKey("account", "seq")
    seq = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)
    signed_at = models.DateTimeField()
    previous_signature = models.BinaryField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16)
    signature = models.BinaryField(max_length=64)
    # When the storage copy was written; empty until then (the periodic task writes it again).
    stored_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"checkpoint of account {self.account_id} at seq {self.seq}"


class RetentionAnchor(TenantModel):
    """A signed statement that retention dropped a month of an account's events: the runs of
    seqs it held, each with the hash before it and its last hash, so the chain still verifies."""

    pk = models.CompositePrimaryKey("account", "month")
    month = models.DateField()  # the first day of the dropped partition's month
    # [[first_seq, last_seq, hash before first_seq (hex), hash of last_seq (hex)], …]
    ranges = models.JSONField()
    events = models.BigIntegerField()
    dropped_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.BinaryField(max_length=64)
    stored_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"retention anchor of account {self.account_id} for {self.month:%Y-%m}"


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    FAILED = "failed", _("Failed")


class Verification(TenantModel):
    """The latest verification of an account's chain, and its first broken link if any."""

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=VerificationStatus.choices)
    started_at = models.DateTimeField()
    checked_at = models.DateTimeField()
    events_checked = models.BigIntegerField(default=0)
    # The chain verifies from seq 1 (or a retention anchor) through this seq.
    through_seq = models.BigIntegerField(default=0)
    # The newest signed checkpoint the chain was found to match.
    checkpoint_seq = models.BigIntegerField(null=True, blank=True)
    failure_seq = models.BigIntegerField(null=True, blank=True)
    failure_event_id = models.BigIntegerField(null=True, blank=True)
    failure_check = models.CharField(max_length=40, blank=True)
    failure_detail = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"verification of account {self.account_id}: {self.status}"
