"""Deleting and restoring records through the services, as a member of the account."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from auditlog.models import Event
from crm.services import RequestInfo, record_delete, record_restore

INFO = RequestInfo(ip="81.2.69.142", user_agent="Mozilla/5.0")


def membership(account, user):
    with scopes_disabled():
        return user.memberships.get(account=account)


def delete(account, user, record) -> Event:
    with scope(account=account):
        return record_delete(
            account=account, membership=membership(account, user), record_id=record.id, info=INFO
        )


def restore(account, user, event) -> Event:
    with scope(account=account):
        return record_restore(
            account=account,
            membership=membership(account, user),
            delete_event_id=event.id,
            info=INFO,
        )
