"""Reads for exports: what an export would hold, a person's exports, who may download a file."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.entitlements import Capability, Entitlements, entitlements_for
from accounts.errors import DomainError
from accounts.models import Account, Membership, User
from auditlog import catalog
from auditlog.filters import (
    actor_labels_of,
    event_filter,
    filters_describe,
    normalize_filters,
)
from auditlog.models import ActorType, Event
from auditlog.pagination import bounded_count
from auditlog.selectors import event_get, events_visible
from exports.models import ExportJob, Kind

CONTENT = "content_activity"
DATE_KEYS = ("date", "start", "end")
EMPLOYEE_ACCESS_DAYS = 90


class ExportRefused(DomainError):
    """An export that cannot be made; `reasons` maps each offending filter to why."""

    def __init__(self, reasons: dict[str, list[str]]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in reasons.items()))

    def __reduce__(self) -> tuple[type[ExportRefused], tuple[dict[str, list[str]]]]:
        # Pickled by Celery when a task fails with it.
        return (type(self), (self.reasons,))


def _content_refused(entitlements: Entitlements) -> ExportRefused:
    return ExportRefused(
        {
            str(_("Category")): [
                _("Exporting content activity needs %(rule)s.")
                % {"rule": entitlements.reason(Capability.CONTENT_EXPORT)}
            ]
        }
    )


@dataclass
class ExportPlan:
    """What an export will hold, shown in the dialog and frozen into the job."""

    kind: str
    view_name: str
    filters: dict[str, Any]
    whole_log: bool
    period_start: dt.datetime | None
    period_end: dt.datetime
    estimate: int
    estimate_capped: bool
    time_zone: str
    language: str
    content_excluded: bool = False
    described: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def export_zone(*, account: Account, user: User) -> str:
    """The time zone a person's files are written in: their own, else the account's."""
    return user.time_zone or account.time_zone or "UTC"


def export_language(*, account: Account, user: User) -> str:
    return user.language or account.default_language or "en"


def export_queryset(
    *,
    account: Account,
    entitlements: Entitlements,
    filters: dict[str, Any],
    period_start: dt.datetime | None,
    period_end: dt.datetime | None,
    content_excluded: bool,
    tz: dt.tzinfo,
) -> QuerySet[Event]:
    """The visible events an audit-log export holds: the page's FilterSet over a frozen period.
    Filters that no longer validate (a person left the account) refuse the export rather than
    being dropped, which would widen it."""
    data = {k: v for k, v in filters.items() if k not in DATE_KEYS}
    filterset = event_filter(account=account, filters=data, entitlements=entitlements, tz=tz)
    if filterset.errors:
        raise ExportRefused(filterset.problems())
    # The Content gate may have closed since the request: refuse, never export it empty.
    if data.get("category") == CONTENT and not entitlements.allows(Capability.CONTENT_EXPORT):
        raise _content_refused(entitlements)
    queryset = filterset.qs
    if period_start is not None:
        queryset = queryset.filter(occurred_at__gte=period_start)
    if period_end is not None:
        queryset = queryset.filter(occurred_at__lt=period_end)
    if content_excluded or not entitlements.allows(Capability.CONTENT_EXPORT):
        queryset = queryset.exclude(category=CONTENT)
    return queryset


def employee_access_queryset(
    *,
    account: Account,
    entitlements: Entitlements,
    period_start: dt.datetime,
    period_end: dt.datetime,
) -> QuerySet[Event]:
    """Platform employees' sign-ins to the account in the period (SPEC S10, every tier)."""
    return events_visible(account=account, entitlements=entitlements).filter(
        category="login",
        subcategory="login_succeeded",
        actor_type=ActorType.EMPLOYEE,
        occurred_at__gte=period_start,
        occurred_at__lt=period_end,
    )


def export_plan(
    *,
    account: Account,
    membership: Membership,
    filters: dict[str, Any],
    view_name: str,
    whole_log: bool = False,
    now: dt.datetime | None = None,
) -> ExportPlan:
    """What an audit-log export of these filters (or of the whole log) holds, with its date range
    resolved to instants now; invalid filters, or content activity without Content Enterprise,
    refuse it with the reasons."""
    now = now or timezone.now()
    user = membership.user
    zone_name = export_zone(account=account, user=user)
    tz = zoneinfo.ZoneInfo(zone_name)
    entitlements = entitlements_for(account=account)
    filters = {} if whole_log else normalize_filters(filters)
    filterset = event_filter(
        account=account, filters=filters, entitlements=entitlements, tz=tz, now=now
    )
    if filterset.errors:
        raise ExportRefused(filterset.problems())
    category = filters.get("category", "")
    content_allowed = entitlements.allows(Capability.CONTENT_EXPORT)
    if category == CONTENT and not content_allowed:
        raise _content_refused(entitlements)
    # Content activity is part of "every category" only where the account may export it.
    content_excluded = (
        not category
        and entitlements.allows(catalog.category(CONTENT).capability)
        and not content_allowed
    )
    start, end = filterset.date_range()
    end = min(end, now) if end else now
    queryset = export_queryset(
        account=account,
        entitlements=entitlements,
        filters=filters,
        period_start=start,
        period_end=end,
        content_excluded=content_excluded,
        tz=tz,
    )
    estimate, capped = bounded_count(queryset)
    plan = ExportPlan(
        kind=Kind.AUDIT_LOG,
        view_name=view_name,
        filters=filters,
        whole_log=whole_log,
        period_start=start,
        period_end=end,
        estimate=estimate,
        estimate_capped=capped,
        time_zone=zone_name,
        language=export_language(account=account, user=user),
        content_excluded=content_excluded,
        described=filters_describe(account=account, filters=filters),
    )
    if content_excluded:
        plan.notes.append(
            _("Content activity is not included: exporting it needs %(rule)s.")
            % {"rule": entitlements.reason(Capability.CONTENT_EXPORT)}
        )
    return plan


def export_summary(
    *, account: Account, job: ExportJob, labels: dict[str, str] | None = None
) -> str:
    """What a job exported, in words for the Exports page: its filters' values, or "Whole log"."""
    if job.kind != Kind.AUDIT_LOG:
        return _("Last %(days)d days") % {"days": job.filters.get("days", EMPLOYEE_ACCESS_DAYS)}
    if job.whole_log:
        return _("Every category, any time")
    described = filters_describe(account=account, filters=job.filters, labels=labels)
    return " · ".join(value for _what, value in described)


def export_summaries(*, account: Account, jobs: list[ExportJob]) -> list[str]:
    """What each job exported, in order; the people and teams their filters name are looked up
    together, so the Exports page and its poll cost the same queries however many jobs it lists."""
    labels = actor_labels_of(
        account=account,
        filters=[job.filters for job in jobs if job.kind == Kind.AUDIT_LOG and not job.whole_log],
    )
    return [export_summary(account=account, job=job, labels=labels) for job in jobs]


def exports_of(*, account: Account, user: User, limit: int = 50) -> list[ExportJob]:
    """The person's own exports in the account, newest first."""
    return list(
        ExportJob.objects.filter(account=account, requester=user).order_by("-created_at", "-id")[
            :limit
        ]
    )


def export_get(*, account: Account, job_id: int) -> ExportJob | None:
    """One export of the account, or None (the caller answers 404)."""
    return ExportJob.objects.select_related("requester").filter(account=account, id=job_id).first()


def export_download_allowed(*, job: ExportJob, membership: Membership) -> bool:
    """The requester, or a member with audit-log access who can see the export's audit event,
    may download its file; a link alone is no authority."""
    if job.account_id != membership.account_id or not membership.has_audit_log_access:
        return False
    # Employee access history is a super admin's export (SPEC S1, S10), whoever asked for it.
    if job.kind == Kind.EMPLOYEE_ACCESS and not membership.is_super_admin:
        return False
    if job.requester_id == membership.user_id:
        return True
    if job.event_id is None:
        return False
    account = membership.account
    event = event_get(
        account=account, entitlements=entitlements_for(account=account), event_id=job.event_id
    )
    return event is not None
