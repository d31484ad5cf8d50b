"""Pages of the console cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import Role
from console.models import Sharing
from tests.factories import SavedViewFactory, TeamFactory, member_of

pytestmark = pytest.mark.django_db


def queries_of(client, url: str) -> tuple[int, str]:
    """The queries of a page once its caches are warm (sessions, entitlements, switcher)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def add_views(account, viewer, count: int, start: int) -> None:
    """Views of several owners, private and shared, whose filters name people and teams."""
    with scopes_disabled():
        for i in range(start, start + count):
            owner = viewer if i % 2 else member_of(account, full_name=f"Owner {i:02d}")
            person = member_of(account, full_name=f"Person {i:02d}")
            team = TeamFactory(account=account, name=f"Squad {i:02d}")
            SavedViewFactory(
                account=account,
                owner=owner,
                name=f"View {i:02d}",
                sharing=Sharing.PRIVATE if owner == viewer else Sharing.EVERYONE,
                filters={
                    "category": "crm_objects",
                    "actor": [f"u{person.pk}", f"t{team.id}"],
                    "date": "7d",
                },
            )


def test_manage_all_views_costs_the_same_for_one_view_or_ten(client_for, account, super_admin):
    client = client_for(super_admin)
    url = f"/a/{account.pk}/audit-logs/views/"
    add_views(account, super_admin, 1, start=0)
    with_one, page = queries_of(client, url)
    assert "Owner 00" in page and "Person 00, Squad 00" in page

    add_views(account, super_admin, 9, start=1)
    with_ten, page = queries_of(client, url)

    assert page.count("Person ") == 10 and page.count("Squad ") == 10
    assert "Owner 08" in page and "Owner 09" not in page  # odd views are the viewer's: "You"
    assert with_ten == with_one


def test_manage_all_views_names_only_people_and_teams_of_the_account(
    client_for, account, other_account, super_admin
):
    with scopes_disabled():
        stranger = member_of(other_account, role=Role.SUPER_ADMIN, full_name="Stranger Danger")
        foreign_team = TeamFactory(account=other_account, name="Foreign Squad")
        SavedViewFactory(
            account=account,
            owner=super_admin,
            name="Mixed",
            filters={"actor": [f"u{stranger.pk}", f"t{foreign_team.id}"]},
        )

    page = client_for(super_admin).get(f"/a/{account.pk}/audit-logs/views/").content.decode()

    assert f"u{stranger.pk}" in page and f"t{foreign_team.id}" in page
    assert "Stranger Danger" not in page and "Foreign Squad" not in page
