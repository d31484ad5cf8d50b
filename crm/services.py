"""Deleting, restoring and purging CRM records (SPEC S6). Every change is an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.entitlements import Capability, entitlements_for
from accounts.errors import DomainError, NotFound, Refused
from accounts.models import Account, Membership
from auditlog.models import Event
from auditlog.services import Actor, EventInput, event_record
from crm.models import Association, PurgeLog, Record

RESTORE_WINDOW = dt.timedelta(days=90)


class RestoreRefused(DomainError):
    """A restore that cannot happen; the message says why, for the person."""


@dataclass(frozen=True)
class RequestInfo:
    """Where an action came from, for its audit event."""

    ip: str | None = None
    user_agent: str = ""


def restore_deadline(record: Record) -> dt.datetime | None:
    """The moment (UTC) after which the deleted record can no longer be restored."""
    return record.deleted_at + RESTORE_WINDOW if record.deleted_at else None


def record_url(record: Record) -> str:
    return reverse("crm:record", args=[record.account_id, record.id])


def _record_event(
    *,
    account: Account,
    membership: Membership,
    record: Record,
    action: str,
    info: RequestInfo,
    metadata: dict,
) -> Event:
    return event_record(
        account=account,
        entry=EventInput(
            category="crm_objects",
            subcategory=record.object_type,
            action=action,
            actor=Actor.of_user(membership.user),
            object_type=record.object_type,
            object_id=str(record.id),
            object_label=record.label,
            url=record_url(record),
            ip=info.ip,
            user_agent=info.user_agent,
            metadata=metadata,
        ),
    )


@transaction.atomic
def record_delete(
    *, account: Account, membership: Membership, record_id: int, info: RequestInfo
) -> Event:
    """Soft-delete a record (super admins); it stays restorable for 90 days."""
    if membership.account_id != account.pk:
        raise NotFound(_("This record does not exist."))
    if not membership.is_super_admin:
        raise Refused(_("Only super admins can delete records here."))
    record = Record.objects.select_for_update().filter(account=account, id=record_id).first()
    if record is None:
        raise NotFound(_("This record does not exist."))
    if record.deleted_at is not None:
        raise RestoreRefused(_("This record is already deleted."))
    record.deleted_at = timezone.now()
    record.deleted_by = membership.user
    record.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return _record_event(
        account=account,
        membership=membership,
        record=record,
        action="delete",
        info=info,
        metadata={"details": {"properties": record.properties}},
    )


def restore_event_of(*, account: Account, delete_event: Event) -> Event | None:
    """The Restore event that undid this Delete event, if any."""
    return (
        Event.objects.filter(
            account=account,
            category="crm_objects",
            action="restore",
            object_type=delete_event.object_type,
            object_id=delete_event.object_id,
            occurred_at__gte=delete_event.occurred_at,
            metadata__delete_event_id=delete_event.id,
        )
        .order_by("occurred_at")
        .first()
    )


@dataclass(frozen=True)
class RestoreState:
    """What the panel of a Delete event offers: a Restore button, or why not."""

    record: Record | None
    restore_event: Event | None
    can_restore: bool
    reason: str
    deadline: dt.datetime | None
    associations_back: int = 0


def restore_state(*, account: Account, membership: Membership, delete_event: Event) -> RestoreState:
    """Whether this Delete event's record can be restored now by this person, and if not why."""
    if (delete_event.category, delete_event.action) != ("crm_objects", "delete"):
        reason = _("Only deletions of CRM records can be restored.")
        return RestoreState(None, None, False, reason, None)
    restored = restore_event_of(account=account, delete_event=delete_event)
    record = None
    if delete_event.object_id.isdigit():
        record = Record.objects.filter(account=account, id=int(delete_event.object_id)).first()
    deadline = restore_deadline(record) if record and record.deleted_at else None
    if restored is not None:
        return RestoreState(record, restored, False, _("This record was already restored."), None)
    reason = ""
    entitlements = entitlements_for(account=account)
    if not entitlements.allows(Capability.RESTORE_RECORDS):
        reason = entitlements.reason(Capability.RESTORE_RECORDS)
    elif not membership.is_super_admin:
        reason = _("Only super admins can restore records.")
    elif record is None:
        reason = _("This record was permanently deleted after 90 days.")
    elif record.deleted_at is None:
        reason = _("This record is not deleted.")
    elif deadline is None or timezone.now() >= deadline:
        reason = _("Records can be restored only within 90 days after deletion.")
    back = 0
    if record is not None and not reason:
        back = sum(1 for _link, other in _associations_with_live_other(account, record))
    return RestoreState(record, None, not reason, reason, deadline, back)


def _associations_with_live_other(
    account: Account, record: Record
) -> list[tuple[Association, Record]]:
    from crm.selectors import associations_of

    return [
        (link, other)
        for link, other in associations_of(account=account, record=record)
        if other.deleted_at is None
    ]


@transaction.atomic
def record_restore(
    *, account: Account, membership: Membership, delete_event_id: int, info: RequestInfo
) -> Event:
    """Restore the record a CRM Delete event removed: Enterprise super admins, within 90 days.

    The record row is locked, so of two simultaneous restores one wins and the other is told the
    record is already restored; nothing is duplicated."""
    if membership.account_id != account.pk:
        raise NotFound(_("This event does not exist."))
    entitlements_for(account=account).require(Capability.RESTORE_RECORDS)
    if not membership.is_super_admin:
        raise Refused(_("Only super admins can restore records."))
    delete_event = Event.objects.filter(account=account, id=delete_event_id).first()
    if delete_event is None:
        raise NotFound(_("This event does not exist."))
    if (delete_event.category, delete_event.action) != ("crm_objects", "delete"):
        raise RestoreRefused(_("Only deletions of CRM records can be restored."))
    if not delete_event.object_id.isdigit():
        raise RestoreRefused(_("This event does not name a record."))
    record = (
        Record.objects.select_for_update()
        .filter(account=account, id=int(delete_event.object_id))
        .first()
    )
    if record is None:
        raise RestoreRefused(_("This record was permanently deleted after 90 days."))
    if record.deleted_at is None or restore_event_of(account=account, delete_event=delete_event):
        raise RestoreRefused(_("This record was already restored."))
    deadline = restore_deadline(record)
    if deadline is None or timezone.now() >= deadline:
        raise RestoreRefused(_("Records can be restored only within 90 days after deletion."))
    deleted_at = record.deleted_at
    record.deleted_at = None
    record.deleted_by = None
    record.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    associations = len(_associations_with_live_other(account, record))
    return _record_event(
        account=account,
        membership=membership,
        record=record,
        action="restore",
        info=info,
        metadata={
            "delete_event_id": delete_event.id,
            "details": {
                "deleted_at": deleted_at.isoformat(),
                "associations_restored": associations,
            },
        },
    )


def records_purge(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Permanently delete records deleted more than 90 days ago with their associations, logging
    each in its account; idempotent, and a fixed number of queries per batch of records."""
    from django_scopes import scopes_disabled

    cutoff = (now or timezone.now()) - RESTORE_WINDOW
    purged = 0
    with scopes_disabled():  # the daily purge spans accounts by design
        while True:
            with transaction.atomic():
                # Locked, so a restore waiting on one of these rows then finds it purged, and a
                # purge running at the same time skips the rows this one removes.
                batch = list(
                    Record.objects.select_for_update()
                    .filter(deleted_at__lt=cutoff)
                    .order_by("account_id", "id")
                    .values_list("account_id", "id", "object_type", "label", "deleted_at")[
                        :batch_size
                    ]
                )
                if not batch:
                    return purged
                PurgeLog.objects.bulk_create(
                    [
                        PurgeLog(
                            account_id=account_id,
                            record_id=record_id,
                            object_type=object_type,
                            label=label,
                            # Never None: only deleted records are in the batch.
                            deleted_at=cast(dt.datetime, deleted_at),
                        )
                        for account_id, record_id, object_type, label, deleted_at in batch
                    ],
                    ignore_conflicts=True,  # logged by an earlier run: its log stands
                )
                # Associations go with their records (a cascade over each record's own account).
                Record.objects.filter(pk__in=[(row[0], row[1]) for row in batch]).delete()
                purged += len(batch)
