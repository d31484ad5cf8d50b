"""The notification centre: bell with the unread count, list with links, mark one or all as
read."""

from __future__ import annotations

import re

import pytest
from django.test import TestCase
from django_scopes import scope, scopes_disabled

from notifications.models import Kind, Notification
from notifications.services import notification_create
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def notify(account, user, *, kind=Kind.EXPORT_READY, title="Your export is ready (3 rows)",
           url="/somewhere/") -> Notification:  # fmt: skip
    # As in production, the unread count's cache is dropped when the notification commits.
    with scope(account=account), TestCase.captureOnCommitCallbacks(execute=True):
        return notification_create(
            account=account, recipient=user, kind=kind, title=title, url=url, email=False
        )


def read_at(notification: Notification):
    with scopes_disabled():
        return Notification.objects.get(
            account_id=notification.account_id, id=notification.id
        ).read_at


def bell_count(html: str) -> int:
    found = re.search(r'<span class="bell-count">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


# Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "settings/audit-logs/"])
def test_anonymous_people_are_sent_to_sign_in(client, account, suffix):
    response = client.get(f"/a/{account.pk}/notifications/{suffix}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_someone_elses_notification_is_not_found(client_for, account, super_admin, member):
    theirs = notify(account, member)
    client = client_for(super_admin)

    assert client.get(f"/a/{account.pk}/notifications/{theirs.id}/").status_code == 404
    assert client.post(f"/a/{account.pk}/notifications/{theirs.id}/read/").status_code == 404
    assert read_at(theirs) is None


def test_a_member_of_another_account_gets_404(client_for, account, other_account, super_admin):
    note = notify(account, super_admin)
    outsider = member_of(other_account, email="hank@globex.test")
    client = client_for(outsider)

    for path in ("", f"{note.id}/", "settings/audit-logs/"):
        assert client.get(f"/a/{account.pk}/notifications/{path}").status_code == 404
    assert client.post(f"/a/{account.pk}/notifications/{note.id}/read/").status_code == 404
    assert read_at(note) is None


# The bell and the list --------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page(client_for, account, super_admin, member):
    client = client_for(super_admin)
    assert bell_count(client.get(f"/a/{account.pk}/audit-logs/").content.decode()) == 0

    notify(account, super_admin)
    notify(account, super_admin, kind=Kind.MENTION, title="Grace tagged you in a comment")
    notify(account, member)  # not mine

    page = client.get(f"/a/{account.pk}/audit-logs/").content.decode()
    assert bell_count(page) == 2
    assert "Notifications, 2 unread" in page


def test_the_bell_menu_lists_the_newest_with_links(client_for, account, super_admin):
    notes = [notify(account, super_admin, title=f"Note {i}") for i in range(10)]

    response = client_for(super_admin).get(
        f"/a/{account.pk}/notifications/?compact=1", HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html  # a fragment for the bell
    assert html.count('class="notification unread"') == 8
    assert "Note 9" in html and "Note 1" not in html.replace("Note 1</", "")
    assert f'href="/a/{account.pk}/notifications/{notes[-1].id}/"' in html


def test_the_list_shows_each_kind_with_its_label(client_for, account, super_admin):
    for kind, title in [
        (Kind.EXPORT_READY, "Your export is ready (3 rows)"),
        (Kind.EXPORT_FAILED, "Your export failed"),
        (Kind.MENTION, "Grace tagged you in a comment"),
        (Kind.ALERT, "Admin rights removed: Linus"),
    ]:
        notify(account, super_admin, kind=kind, title=title)

    html = client_for(super_admin).get(f"/a/{account.pk}/notifications/").content.decode()

    for label in ("Export ready", "Export failed", "Tagged in a comment", "Alert"):
        assert f">{label}</span>" in html
    assert "Mark all as read" in html


def test_an_empty_centre_says_so(client_for, account, super_admin):
    html = client_for(super_admin).get(f"/a/{account.pk}/notifications/").content.decode()
    assert "No notifications yet" in html and "Mark all as read" not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    client_for, account, super_admin
):
    note = notify(account, super_admin, url=f"/a/{account.pk}/exports/7/download/")
    client = client_for(super_admin)

    response = client.get(f"/a/{account.pk}/notifications/{note.id}/")

    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.pk}/exports/7/download/"
    assert read_at(note) is not None
    assert bell_count(client.get(f"/a/{account.pk}/notifications/").content.decode()) == 0


def test_a_link_to_another_site_is_not_followed(client_for, account, super_admin):
    note = notify(account, super_admin, url="//evil.example/phish")

    response = client_for(super_admin).get(f"/a/{account.pk}/notifications/{note.id}/")

    assert response["Location"] == f"/a/{account.pk}/notifications/"


def test_mark_one_as_read_without_following_it(client_for, account, super_admin):
    first, second = notify(account, super_admin), notify(account, super_admin)
    client = client_for(super_admin)
    assert client.get(f"/a/{account.pk}/notifications/{first.id}/read/").status_code == 405

    response = client.post(
        f"/a/{account.pk}/notifications/{first.id}/read/",
        {"next": f"/a/{account.pk}/notifications/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/a/{account.pk}/notifications/"
    assert read_at(first) is not None and read_at(second) is None
    html = client.get(f"/a/{account.pk}/notifications/").content.decode()
    assert bell_count(html) == 1
    assert html.count("data-mark-read") == 1  # only the unread one offers it


def test_marking_read_never_redirects_to_another_site(client_for, account, super_admin):
    note = notify(account, super_admin)

    response = client_for(super_admin).post(
        f"/a/{account.pk}/notifications/{note.id}/read/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == f"/a/{account.pk}/notifications/"


def test_mark_all_as_read_marks_only_mine(client_for, account, super_admin, member):
    mine = [notify(account, super_admin) for _ in range(3)]
    theirs = notify(account, member)
    client = client_for(super_admin)

    response = client.post(f"/a/{account.pk}/notifications/read-all/", follow=True)

    assert all(read_at(note) is not None for note in mine)
    assert read_at(theirs) is None
    html = response.content.decode()
    assert "3 notifications marked as read." in html
    assert bell_count(html) == 0
