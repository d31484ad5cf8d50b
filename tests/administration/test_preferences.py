"""Preferences: a person's name, language and time zone, and the event each change records."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role, User
from tests.factories import AccountFactory, MembershipFactory
from tests.utils import events_of

pytestmark = pytest.mark.django_db

URL = "/preferences/"


def test_a_change_is_one_event_in_each_account_of_the_person(
    client_for, account, other_account, super_admin
):
    with scopes_disabled():
        MembershipFactory(account=other_account, user=super_admin, role=Role.MEMBER)
        former = AccountFactory(name="Former Test")
        MembershipFactory(account=former, user=super_admin, is_active=False)
    User.objects.filter(pk=super_admin.pk).update(language="", time_zone="UTC")
    client = client_for(super_admin)

    response = client.post(
        URL,
        {"full_name": "Ada King", "language": "nl", "time_zone": "UTC"},
        REMOTE_ADDR="81.2.69.142",
        HTTP_USER_AGENT="Mozilla/5.0",
    )

    assert response.status_code == 302
    for each in (account, other_account):
        (event,) = events_of(each, category="settings")
        assert (event.subcategory, event.action) == ("user_preferences", "update")
        assert (event.actor_user_id, event.object_type, event.object_id) == (
            super_admin.pk,
            "user",
            str(super_admin.pk),
        )
        # Only what changed: the time zone stayed.
        assert event.metadata == {
            "before": {"full_name": "Ada Lovelace", "language": ""},
            "after": {"full_name": "Ada King", "language": "nl"},
        }
        assert (event.ip_address, event.user_agent, event.url) == (
            "81.2.69.142",
            "Mozilla/5.0",
            URL,
        )
    assert events_of(former) == []


def test_saving_unchanged_preferences_records_nothing(client_for, account, super_admin):
    User.objects.filter(pk=super_admin.pk).update(language="en", time_zone="Europe/Amsterdam")
    client = client_for(super_admin)

    response = client.post(
        URL, {"full_name": "Ada Lovelace", "language": "en", "time_zone": "Europe/Amsterdam"}
    )

    assert response.status_code == 302
    assert events_of(account, category="settings") == []


def test_the_change_shows_in_the_details_tab(client_for, account, super_admin):
    client = client_for(super_admin)
    client.post(URL, {"full_name": "Ada King", "language": "", "time_zone": ""})
    (event,) = events_of(account, category="settings")

    html = client.get(f"/a/{account.pk}/audit-logs/events/{event.id}/").content.decode()

    assert "<td>Full name</td><td>Ada Lovelace</td><td>Ada King</td>" in html


def test_preferences_need_a_sign_in(client_for):
    response = client_for(None).post(URL, {"full_name": "Nobody"})
    assert response.status_code == 302 and "/login/" in response["Location"]
