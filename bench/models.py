"""The event table seen the way Django's admin can use it (baseline only).

The admin cannot register a model with a composite primary key, so this unmanaged model maps
the same partitioned table with `id` as its primary key. It is never migrated.
"""

from __future__ import annotations

from django.db import models

from auditlog import catalog
from auditlog.models import ActorType

# Choices from the catalog make the admin's list filters static links; without them Django runs
# SELECT DISTINCT over the whole table for each filter, which would make the baseline slower.
CATEGORY_CHOICES = [(c.code, c.label) for c in catalog.CATEGORIES]
ACTION_CHOICES = [(a.code, a.label) for a in catalog.ACTIONS]


class AdminEvent(models.Model):
    id = models.BigIntegerField(primary_key=True)
    account_id = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES)
    subcategory = models.CharField(max_length=40)
    action = models.CharField(max_length=20, choices=ACTION_CHOICES)
    actor_type = models.CharField(max_length=12, choices=ActorType.choices)
    actor_user_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=150)
    actor_email = models.CharField(max_length=254)
    actor_integration = models.CharField(max_length=80)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=255)
    country = models.CharField(max_length=80)
    region = models.CharField(max_length=120)
    city = models.CharField(max_length=120)

    class Meta:
        managed = False
        db_table = "auditlog_event"
        ordering = ("-occurred_at", "-id")
        verbose_name = "event"

    def __str__(self) -> str:
        return f"{self.category}/{self.action} #{self.id}"
