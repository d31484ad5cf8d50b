"""The alert settings page (Notifications → Audit logs, super admins only)."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from console.models import AlertSetting
from tests.factories import MembershipFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db


def test_only_super_admins_manage_alerts(client_for, account, super_admin, member):
    settings_page = f"/a/{account.pk}/notifications/settings/audit-logs/"
    refused = client_for(member).get(settings_page)
    assert refused.status_code == 403
    # The page says what only a super admin can do, and points to no page that does not exist.
    text = refused.content.decode()
    assert "Only super admins can set up audit-log alerts." in text
    assert "access to the audit log" not in text and "Users &amp; Teams" not in text
    html = client_for(member).get(f"/a/{account.pk}/notifications/").content.decode()
    assert "Notifications → Audit logs" not in html

    page = client_for(super_admin).get(f"/a/{account.pk}/notifications/")
    assert "Notifications → Audit logs" in page.content.decode()


def test_the_settings_page_offers_both_alerts_with_the_default_threshold(
    client_for, account, super_admin
):
    response = client_for(super_admin).get(f"/a/{account.pk}/notifications/settings/audit-logs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Multiple exports" in html and "Removed admin rights" in html
    assert re.search(r'name="multiple_exports_threshold"[^>]*value="10"', html)


def test_a_super_admin_turns_alerts_on_and_sets_the_threshold(client_for, account, super_admin):
    client = client_for(super_admin)
    url = f"/a/{account.pk}/notifications/settings/audit-logs/"

    response = client.post(
        url,
        {
            "multiple_exports": "on",
            "multiple_exports_threshold": "25",
            "removed_admin_rights": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == url
    with scopes_disabled():
        setting = AlertSetting.objects.get(account=account, user=super_admin)
    assert setting.multiple_exports and setting.removed_admin_rights
    assert setting.multiple_exports_threshold == 25
    html = client.get(url).content.decode()
    assert re.search(r'name="multiple_exports_threshold"[^>]*value="25"', html)

    client.post(url, {"multiple_exports_threshold": "25"})  # both boxes cleared
    with scopes_disabled():
        setting = AlertSetting.objects.get(account=account, user=super_admin)
    assert not setting.multiple_exports and not setting.removed_admin_rights


def test_a_threshold_below_one_is_refused_with_the_reason(client_for, account, super_admin):
    response = client_for(super_admin).post(
        f"/a/{account.pk}/notifications/settings/audit-logs/",
        {"multiple_exports": "on", "multiple_exports_threshold": "0"},
    )

    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    with scopes_disabled():
        assert not AlertSetting.objects.filter(account=account).exists()


def test_settings_are_per_account(client_for, account, other_account, super_admin):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=super_admin, role=Role.SUPER_ADMIN)
    client = client_for(super_admin)
    client.post(
        f"/a/{account.pk}/notifications/settings/audit-logs/",
        {"multiple_exports": "on", "multiple_exports_threshold": "5"},
    )

    html = client.get(f"/a/{other_account.pk}/notifications/settings/audit-logs/").content.decode()
    assert re.search(r'name="multiple_exports_threshold"[^>]*value="10"', html)
    assert not re.search(r'name="multiple_exports"[^>]*checked', html)


def test_a_change_is_one_notification_settings_event_with_before_and_after(
    client_for, account, super_admin
):
    client = client_for(super_admin)
    url = f"/a/{account.pk}/notifications/settings/audit-logs/"
    choices = {"multiple_exports": "on", "multiple_exports_threshold": "25"}

    client.post(url, choices, REMOTE_ADDR="81.2.69.142", HTTP_USER_AGENT="Mozilla/5.0")
    client.post(url, choices)  # the same choices again: nothing changed, nothing recorded

    (event,) = events_of(account, category="settings")
    assert (event.subcategory, event.action, event.actor_user_id) == (
        "notifications",
        "update",
        super_admin.pk,
    )
    assert event.metadata == {
        "before": {
            "multiple_exports": False,
            "multiple_exports_threshold": 10,
            "removed_admin_rights": False,
        },
        "after": {
            "multiple_exports": True,
            "multiple_exports_threshold": 25,
            "removed_admin_rights": False,
        },
    }
    assert (event.ip_address, event.user_agent, event.url) == ("81.2.69.142", "Mozilla/5.0", url)
    # The Details tab shows the change field by field.
    html = client.get(f"/a/{account.pk}/audit-logs/events/{event.id}/").content.decode()
    assert re.search(r"<td>Exports per day</td><td>10</td><td>25</td>", html)
    assert re.search(r"<td>Multiple exports</td><td>No</td><td>Yes</td>", html)
