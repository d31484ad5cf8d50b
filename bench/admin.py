"""Baseline (a): the events in Django's admin changelist, as a team might first build it."""

from __future__ import annotations

from django.contrib import admin

from accounts.models import Account
from bench.models import AdminEvent


class AccountFilter(admin.SimpleListFilter):
    """`?account_id=<id>`: one tenant's events."""

    title = "account"
    parameter_name = "account_id"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        return list(Account.objects.filter(pk=int(value)).values_list("pk", "name"))

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(account_id=int(value)) if value and value.isdigit() else queryset


@admin.register(AdminEvent)
class AdminEventAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "category",
        "subcategory",
        "action",
        "actor_type",
        "actor_name",
        "actor_email",
        "object_type",
        "object_label",
        "country",
        "city",
    )
    list_filter = (AccountFilter, "category", "action", "actor_type", "occurred_at")
    ordering = ("-occurred_at", "-id")
    list_per_page = 50  # the page size of the Audit Logs page, so page numbers mean the same rows
