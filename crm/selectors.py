"""Reads of the account's CRM records and their audit timeline."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.entitlements import Entitlements
from accounts.models import Account
from auditlog.models import Event
from auditlog.selectors import events_visible
from crm.models import Association, Record


def records_of(
    *,
    account: Account,
    object_type: str = "",
    deleted: bool | None = None,
    query: str = "",
    below_id: int | None = None,
) -> QuerySet[Record]:
    """The account's records, newest first, optionally of one type, deletion state or name;
    `below_id` pages on by id (keyset, no OFFSET)."""
    qs = Record.objects.filter(account=account)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if deleted is not None:
        qs = qs.filter(deleted_at__isnull=not deleted)
    if query:
        qs = qs.filter(label__icontains=query)
    if below_id is not None:
        qs = qs.filter(id__lt=below_id)
    return qs.order_by("-id")


def record_get(*, account: Account, record_id: int) -> Record | None:
    """One record of the account (deleted or not), or None; purged records are gone."""
    return Record.objects.filter(account=account, id=record_id).select_related("deleted_by").first()


def associations_of(*, account: Account, record: Record) -> list[tuple[Association, Record]]:
    """The record's associations with the record on the other side (deleted ones included)."""
    links = Association.objects.filter(account=account).filter(
        Q(from_record_id=record.id) | Q(to_record_id=record.id)
    )
    other_ids = {
        link.to_record_id if link.from_record_id == record.id else link.from_record_id
        for link in links
    }
    others = {r.id: r for r in Record.objects.filter(account=account, id__in=other_ids)}
    result = []
    for link in links:
        other_id = link.to_record_id if link.from_record_id == record.id else link.from_record_id
        if other_id in others:
            result.append((link, others[other_id]))
    return sorted(result, key=lambda pair: (pair[1].object_type, pair[1].label))


def record_last_restore(*, account: Account, record: Record) -> Event | None:
    """The newest Restore event of this record, if it was ever restored."""
    return (
        Event.objects.filter(
            account=account,
            category="crm_objects",
            action="restore",
            object_type=record.object_type,
            object_id=str(record.id),
        )
        .order_by("-occurred_at", "-id")
        .first()
    )


def record_timeline(
    *, account: Account, entitlements: Entitlements, record: Record
) -> QuerySet[Event]:
    """Visible audit events about this record (newest first, for keyset paging)."""
    return events_visible(account=account, entitlements=entitlements).filter(
        object_type=record.object_type, object_id=str(record.id)
    )
