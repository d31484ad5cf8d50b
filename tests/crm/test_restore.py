"""Restoring deleted CRM records within 90 days (SPEC S6), and the purge."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django_scopes import scope, scopes_disabled

from accounts.entitlements import NotEntitled
from accounts.errors import Refused
from accounts.models import Product, Role, Tier
from auditlog.models import Event
from crm.models import Association, PurgeLog, Record
from crm.services import (
    RestoreRefused,
    records_purge,
    restore_state,
)
from tests.crm.helpers import delete as _delete
from tests.crm.helpers import membership
from tests.crm.helpers import restore as _restore
from tests.factories import RecordFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(account) -> Record:
    return RecordFactory(account=account, object_type="contact", label="Jane Doe")


def test_restore_brings_record_back_and_is_logged(account, super_admin, contact):
    company = RecordFactory(account=account, object_type="company", label="Acme")
    Association.objects.create(
        account=account, from_record_id=contact.id, to_record_id=company.id, label="works at"
    )
    delete_event = _delete(account, super_admin, contact)
    restored = _restore(account, super_admin, delete_event)
    with scope(account=account):
        contact.refresh_from_db()
        assert contact.deleted_at is None
        assert restored.action == "restore" and restored.category == "crm_objects"
        assert restored.metadata["delete_event_id"] == delete_event.id
        assert restored.metadata["details"]["associations_restored"] == 1
        state = restore_state(
            account=account, membership=membership(account, super_admin), delete_event=delete_event
        )
    assert state.restore_event is not None and not state.can_restore


@pytest.mark.parametrize(
    ("after", "allowed"),
    [(dt.timedelta(days=89, hours=23, minutes=59), True), (dt.timedelta(days=90), False)],
)
def test_ninety_day_boundary(account, super_admin, contact, after, allowed):
    start = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        delete_event = _delete(account, super_admin, contact)
    with time_machine.travel(start + after, tick=False):
        if allowed:
            _restore(account, super_admin, delete_event)
        else:
            with pytest.raises(RestoreRefused, match="90 days"):
                _restore(account, super_admin, delete_event)


def test_second_restore_is_refused_without_duplicates(account, super_admin, contact):
    delete_event = _delete(account, super_admin, contact)
    _restore(account, super_admin, delete_event)
    with pytest.raises(RestoreRefused, match="already restored"):
        _restore(account, super_admin, delete_event)
    with scope(account=account):
        assert Event.objects.filter(account=account, action="restore").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_restores_at_once_one_wins(account, super_admin, contact):
    delete_event = _delete(account, super_admin, contact)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def attempt() -> None:
        barrier.wait()
        try:
            _restore(account, super_admin, delete_event)
            results.append("ok")
        except RestoreRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    with scope(account=account):
        assert Event.objects.filter(account=account, action="restore").count() == 1


def test_non_enterprise_and_non_super_admin_are_refused(account, member, contact, super_admin):
    delete_event = _delete(account, super_admin, contact)
    with pytest.raises(Refused):
        _restore(account, member, delete_event)
    pro = account_with_tier(Tier.PROFESSIONAL, products=(Product.SALES,))
    boss = member_of(pro, role=Role.SUPER_ADMIN)
    record = RecordFactory(account=pro, object_type="deal", label="Big deal")
    pro_delete = _delete(pro, boss, record)
    with pytest.raises(NotEntitled):
        _restore(pro, boss, pro_delete)
    with scope(account=pro):
        record.refresh_from_db()
        assert record.deleted_at is not None


def test_non_delete_event_is_refused(account, super_admin, record_event):
    event = record_event(account, actor=super_admin, action="update", object_id="1")
    with pytest.raises(RestoreRefused):
        _restore(account, super_admin, event)


def test_purge_is_idempotent_and_logged(account, super_admin, contact):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        delete_event = _delete(account, super_admin, contact)
    later = start + dt.timedelta(days=91)
    assert records_purge(now=later) == 1
    assert records_purge(now=later) == 0
    with scopes_disabled():
        assert not Record.objects.filter(id=contact.id).exists()
        assert PurgeLog.objects.get(record_id=contact.id).label == "Jane Doe"
    with pytest.raises(RestoreRefused, match="permanently"):
        _restore(account, super_admin, delete_event)


def test_restore_views_permissions(
    account, other_account, super_admin, member_without_access, contact, client_for
):
    delete_event = _delete(account, super_admin, contact)
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    url = f"/a/{account.pk}/crm/restore/{delete_event.id}/"
    assert client_for(outsider).post(url).status_code == 404
    assert (
        client_for(outsider)
        .get(f"/a/{other_account.pk}/crm/restore/{delete_event.id}/")
        .status_code
        == 404
    )
    assert client_for(member_without_access).get(url).status_code == 403
    panel = client_for(super_admin).get(url + "panel/")
    assert panel.status_code == 200 and "Restore contact" in panel.content.decode()
    response = client_for(super_admin).post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.pk}/crm/records/{contact.id}/"
    page = client_for(super_admin).get(response["Location"]).content.decode()
    assert "Jane Doe" in page and "Restore" in page


def test_record_page_delete_feeds_the_log(account, super_admin, member, contact, client_for):
    url = f"/a/{account.pk}/crm/records/{contact.id}/delete/"
    assert client_for(member).post(url).status_code == 403
    assert client_for(super_admin).post(url).status_code == 302
    with scope(account=account):
        event = Event.objects.get(account=account, action="delete", object_id=str(contact.id))
    assert event.url == f"/a/{account.pk}/crm/records/{contact.id}/"
    assert (
        client_for(super_admin).get(f"/a/{account.pk}/crm/records/{contact.id}/").status_code == 200
    )
