"""CRM record pages (SPEC S6): state, associations, timeline, delete dialog, restore dialog."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django_scopes import scope, scopes_disabled

from accounts.models import Product, Role, Tier
from auditlog.models import Event
from crm.models import Association, Record
from crm.services import records_purge
from tests.crm.helpers import delete as _delete
from tests.crm.helpers import restore as _restore
from tests.factories import RecordFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(account) -> Record:
    return RecordFactory(
        account=account,
        object_type="contact",
        label="Jane Doe",
        properties={"email": "jane@example.test", "jobtitle": "Buyer"},
    )


def _page(client, account, record, query: str = "") -> str:
    response = client.get(f"/a/{account.pk}/crm/records/{record.id}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_record_page_shows_type_properties_associations_and_state(
    account, super_admin, contact, client_for
):
    company = RecordFactory(account=account, object_type="company", label="Acme")
    Association.objects.create(
        account=account, from_record_id=contact.id, to_record_id=company.id, label="works at"
    )
    client = client_for(super_admin)
    html = _page(client, account, contact)
    assert "Contact #" in html and "jane@example.test" in html
    assert "Acme" in html and "works at" in html
    assert "Delete contact" in html and "Deleted on" not in html and "Restored by" not in html

    delete_event = _delete(account, super_admin, contact)
    html = _page(client, account, contact)
    assert "Deleted on" in html and "Delete contact" not in html
    assert "90 days after deletion" in html

    restore_event = _restore(account, super_admin, delete_event)
    html = _page(client, account, contact)
    assert "Deleted on" not in html
    assert re.search(r"Restored by Ada Lovelace on <time [^>]+>[^<]+</time>\s*· <a", html)
    assert f"?open={restore_event.id}" in html


def test_timeline_is_newest_first_keyset_paged_and_links_to_the_log(
    account, super_admin, contact, record_event, client_for
):
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    ids = []
    for i in range(25):
        with time_machine.travel(start + dt.timedelta(minutes=i), tick=False):
            ids.append(
                record_event(
                    account,
                    actor=super_admin,
                    object_type="contact",
                    object_id=str(contact.id),
                    object_label=contact.label,
                ).id
            )
    # Another record's events never show on this page.
    other = RecordFactory(account=account, object_type="contact", label="Someone Else")
    stranger = record_event(
        account, actor=super_admin, object_type="contact", object_id=str(other.id)
    )
    client = client_for(super_admin)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        first = _page(client, account, contact)
    opened = [int(i) for i in re.findall(r"\?open=(\d+)", first)]
    assert opened == list(reversed(ids))[:20]
    assert stranger.id not in opened
    older = re.search(r'href="\?after=([^"]+)"', first).group(1)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        second = _page(client, account, contact, f"?after={older}")
    assert [int(i) for i in re.findall(r"\?open=(\d+)", second)] == list(reversed(ids))[20:]
    assert "?after=" not in second and "?before=" in second


def test_timeline_needs_audit_log_access_and_pages_are_tenant_scoped(
    account, other_account, super_admin, member_without_access, contact, client_for
):
    _delete(account, super_admin, contact)
    html = _page(client_for(member_without_access), account, contact)
    assert "You need audit-log access" in html and "?open=" not in html
    assert "Delete contact" not in html
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    for path in ("", "delete/"):
        assert (
            client_for(outsider).get(f"/a/{account.pk}/crm/records/{contact.id}/{path}").status_code
            == 404
        )
        assert (
            client_for(outsider)
            .get(f"/a/{other_account.pk}/crm/records/{contact.id}/{path}")
            .status_code
            == 404
        )


def test_a_purged_record_page_is_gone(account, super_admin, contact, client_for):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _delete(account, super_admin, contact)
    records_purge(now=start + dt.timedelta(days=90, seconds=1))
    response = client_for(super_admin).get(f"/a/{account.pk}/crm/records/{contact.id}/")
    assert response.status_code == 404


def test_delete_dialog_is_a_partial_for_htmx_and_a_page_without(
    account, super_admin, contact, client_for
):
    url = f"/a/{account.pk}/crm/records/{contact.id}/delete/"
    client = client_for(super_admin)
    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Delete contact?" in dialog and "<html" not in dialog and "<nav" not in dialog
    page = client.get(url).content.decode()
    assert "Delete contact?" in page and "<html" in page
    client.post(url)
    # Deleting twice does not record a second Delete event.
    again = client.post(url, follow=True).content.decode()
    assert "already deleted" in again
    with scope(account=account):
        assert Event.objects.filter(account=account, action="delete").count() == 1


def test_restore_dialog_names_the_record_and_what_comes_back(
    account, super_admin, contact, client_for
):
    live = RecordFactory(account=account, object_type="company", label="Acme")
    gone = RecordFactory(account=account, object_type="deal", label="Lost deal")
    for other in (live, gone):
        Association.objects.create(
            account=account, from_record_id=contact.id, to_record_id=other.id
        )
    _delete(account, super_admin, gone)
    delete_event = _delete(account, super_admin, contact)
    dialog = (
        client_for(super_admin)
        .get(f"/a/{account.pk}/crm/restore/{delete_event.id}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Restore contact?" in dialog
    assert "Jane Doe" in dialog and "with its properties" in dialog
    assert "1 association whose other record still exists" in dialog
    assert "Lost deal" in dialog and "deleted, stays unlinked" in dialog
    assert "<html" not in dialog


def test_double_submit_in_the_dialog_says_already_restored(
    account, super_admin, contact, client_for
):
    delete_event = _delete(account, super_admin, contact)
    url = f"/a/{account.pk}/crm/restore/{delete_event.id}/"
    client = client_for(super_admin)
    first = client.post(url, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert first["HX-Redirect"] == f"/a/{account.pk}/crm/records/{contact.id}/"
    second = client.post(url, HTTP_HX_REQUEST="true")
    html = second.content.decode()
    assert second.status_code == 200
    assert "This record was already restored." in html
    assert 'type="submit"' not in html
    with scope(account=account):
        assert Event.objects.filter(account=account, action="restore").count() == 1
    panel = client.get(url + "panel/").content.decode()
    assert re.search(r"Restored by Ada Lovelace on <time [^>]+>[^<]+</time>\s*· <a", panel)


def test_past_ninety_days_the_button_is_disabled_with_the_reason(
    account, super_admin, contact, client_for
):
    start = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        delete_event = _delete(account, super_admin, contact)
    url = f"/a/{account.pk}/crm/restore/{delete_event.id}/panel/"
    client = client_for(super_admin)
    with time_machine.travel(start + dt.timedelta(days=89, hours=23), tick=False):
        html = client.get(url).content.decode()
    assert "data-dialog" in html and "Can be restored until" in html and "disabled" not in html
    with time_machine.travel(start + dt.timedelta(days=90), tick=False):
        html = client.get(url).content.decode()
        refused = client.post(f"/a/{account.pk}/crm/restore/{delete_event.id}/", follow=True)
    assert "disabled" in html and "only within 90 days after deletion" in html
    assert "only within 90 days after deletion" in refused.content.decode()
    with scope(account=account):
        contact.refresh_from_db()
    assert contact.deleted_at is not None


def test_a_non_delete_event_offers_no_restore(
    account, super_admin, contact, record_event, client_for
):
    contact.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    contact.save()
    update = record_event(
        account,
        actor=super_admin,
        action="update",
        object_type="contact",
        object_id=str(contact.id),
    )
    client = client_for(super_admin)
    url = f"/a/{account.pk}/crm/restore/{update.id}/"
    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Only deletions of CRM records can be restored." in dialog
    assert 'type="submit"' not in dialog
    client.post(url)
    with scope(account=account):
        contact.refresh_from_db()
        assert not Event.objects.filter(account=account, action="restore").exists()
    assert contact.deleted_at is not None


def test_non_super_admin_sees_the_reason_and_cannot_restore(
    account, super_admin, member, contact, client_for
):
    delete_event = _delete(account, super_admin, contact)
    client = client_for(member)
    panel = client.get(f"/a/{account.pk}/crm/restore/{delete_event.id}/panel/").content.decode()
    assert "disabled" in panel and "Only super admins can restore records." in panel
    response = client.post(f"/a/{account.pk}/crm/restore/{delete_event.id}/", follow=True)
    assert "Only super admins can restore records." in response.content.decode()
    with scope(account=account):
        contact.refresh_from_db()
    assert contact.deleted_at is not None


def test_record_list_searches_and_pages_by_keyset(account, super_admin, client_for):
    for i in range(105):
        RecordFactory(account=account, object_type="deal", label=f"Deal {i:03d}")
    RecordFactory(account=account, object_type="contact", label="Needle Person")
    client = client_for(super_admin)
    first = client.get(f"/a/{account.pk}/crm/records/?type=deal").content.decode()
    assert first.count("Deal ") == 100 and "Needle" not in first
    older = re.search(r'href="\?([^"]*below=\d+)"', first).group(1).replace("&amp;", "&")
    second = client.get(f"/a/{account.pk}/crm/records/?{older}").content.decode()
    assert second.count("Deal ") == 5 and "Deal 000" in second and "Deal 104" not in second
    found = client.get(f"/a/{account.pk}/crm/records/?q=needle").content.decode()
    assert "Needle Person" in found and "Deal 0" not in found
    empty = client.get(f"/a/{account.pk}/crm/records/?q=zzz").content.decode()
    assert "No records match these filters." in empty


def test_the_purge_runs_daily_from_beat_and_through_its_task(account, super_admin, contact):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert "crm.tasks.records_purge" in schedule
    assert schedule["crm.tasks.records_purge"].hour == {1}
    from crm.tasks import records_purge as task

    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _delete(account, super_admin, contact)
    with time_machine.travel(start + dt.timedelta(days=91), tick=False):
        assert task.apply().get() == 1
        assert task.apply().get() == 0
    with scopes_disabled():
        assert not Record.objects.filter(id=contact.id).exists()


def test_a_professional_record_page_promises_no_restore(client_for):
    with scopes_disabled():
        globex = account_with_tier(Tier.PROFESSIONAL, products=(Product.SALES,), name="Globex")
        boss = member_of(globex, role=Role.SUPER_ADMIN, email="hank@globex.test")
    record = RecordFactory(account=globex, object_type="contact", label="Omar Jansen")
    client = client_for(boss)
    dialog = client.get(f"/a/{globex.pk}/crm/records/{record.id}/delete/").content.decode()
    assert "permanently removed after 90 days" in dialog and "restore it" not in dialog
    response = client.post(f"/a/{globex.pk}/crm/records/{record.id}/delete/", follow=True)
    html = response.content.decode()
    assert "It is permanently removed after 90 days." in html
    assert "restoring deleted records is available on Enterprise" in html
    assert "can be restored" not in html.lower() and "can restore" not in html
