"""Baseline (b): a ListView paginated with OFFSET by Django's Paginator (which counts)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.utils import timezone
from django.views.generic import ListView

from bench.models import AdminEvent

DAYS = {"7d": 7, "30d": 30, "90d": 90}


class OffsetEventList(LoginRequiredMixin, ListView):
    """Same account, filters and order as the Audit Logs page; pages by ?page=N."""

    template_name = "bench/offset_list.html"
    paginate_by = 50
    context_object_name = "events"

    def get_queryset(self) -> QuerySet[AdminEvent]:
        # The tenancy middleware has already answered 404 to non-members of the account.
        params = self.request.GET
        qs = AdminEvent.objects.filter(account_id=self.kwargs["account_id"])
        if params.get("category"):
            qs = qs.filter(category=params["category"])
        if params.get("action"):
            qs = qs.filter(action=params["action"])
        users = [int(v[1:]) for v in params.getlist("actor") if v[:1] == "u" and v[1:].isdigit()]
        if users:
            qs = qs.filter(actor_user_id__in=users)
        days = DAYS.get(params.get("date", "30d"))
        if days:
            qs = qs.filter(occurred_at__gte=timezone.now() - dt.timedelta(days=days))
        return qs.order_by("-occurred_at", "-id")
