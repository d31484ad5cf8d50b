"""The Audit Logs page (SPEC S3): filters in the URL, ignored bad input, keyset pages, views."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Product, Role, Tier
from auditlog import catalog
from auditlog.models import Event
from auditlog.pagination import Cursor, bounded_count
from auditlog.services import Actor, EventInput, events_bulk_load
from console.models import SavedView, Sharing
from tests.factories import TeamFactory, TeamMemberFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def log(account, **params) -> str:
    from urllib.parse import urlencode

    return f"/a/{account.pk}/audit-logs/?{urlencode(params, doseq=True)}"


def labels(html: str) -> list[str]:
    return re.findall(r'<td>([^<]*)<div class="muted small">', html)


@pytest.fixture
def many_events(account, super_admin, member):
    now = timezone.now()
    entries = []
    for i in range(130):
        actor = super_admin if i % 2 else member
        category, sub, action = (
            ("login", "login_succeeded", "login")
            if i % 3 == 0
            else ("crm_objects", "contact", "update" if i % 5 else "delete")
        )
        entries.append(
            EventInput(
                category=category,
                subcategory=sub,
                action=action,
                actor=Actor.of_user(actor),
                occurred_at=now - dt.timedelta(hours=i),
                object_label=f"obj-{i:03d}",
                object_type="contact",
                object_id=str(i),
            )
        )
    with scopes_disabled():
        events_bulk_load(account=account, entries=entries)
    return entries


def test_filters_narrow_rows_and_live_in_the_url(account, super_admin, many_events, client_for):
    client = client_for(super_admin)
    html = client.get(
        log(account, view="all", category="crm_objects", action="delete", date="30d")
    ).content.decode()
    shown = set(re.findall(r"obj-\d{3}", html))
    expected = {
        e.object_label
        for e in many_events
        if e.category == "crm_objects"
        and e.action == "delete"
        and e.occurred_at > timezone.now() - dt.timedelta(days=30)
    }
    assert shown == expected
    assert 'value="crm_objects" selected' in html
    # Subcategory lists only the chosen category's subcategories.
    assert 'value="company"' in html and 'value="login_failed"' not in html


def test_changed_by_user_and_team(account, super_admin, member, many_events, client_for):
    client = client_for(super_admin)
    html = client.get(log(account, view="all", actor=f"u{member.pk}", date="")).content.decode()
    assert (
        "Ada Lovelace"
        not in re.sub(r"<header.*?</header>", "", html, flags=re.S).split("<tbody>")[1]
    )
    with scopes_disabled():
        team = TeamFactory(account=account, name="Support")
        TeamMemberFactory(team=team, user=super_admin)
    html = client.get(log(account, view="all", actor=f"t{team.id}", date="")).content.decode()
    body = html.split("<tbody>")[1]
    assert "Ada Lovelace" in body and "Grace Hopper" not in body


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"date": "custom", "start": "2026-13-01"}, "Enter a valid date"),
        ({"date": "custom", "start": "2026-05-02", "end": "2026-05-01"}, "dates were swapped"),
        ({"category": "no_such_category"}, "Select a valid choice"),
        ({"subcategory": "contact"}, "Choose a category first"),
        ({"category": "login", "subcategory": "contact"}, "Select a valid choice"),
        ({"actor": "u999999"}, "Unknown user or team"),
        ({"actor": "x1"}, "Select a valid choice"),
        ({"after": "%%%not-a-cursor"}, "page link was not valid"),
        ({"date": "custom", "end": "9999-12-31"}, "Enter a date between 1970 and 9998"),
        ({"date": "custom", "start": "0001-01-01"}, "Enter a date between 1970 and 9998"),
        ({"action": "x" * 5000}, "Select a valid choice"),
    ],
)
def test_bad_filter_values_render_with_a_note(
    account, super_admin, many_events, client_for, params, note
):
    response = client_for(super_admin).get(log(account, view="all", **params))
    assert response.status_code == 200
    assert note in response.content.decode()


def test_foreign_ids_and_gated_categories_are_ignored(
    account, other_account, super_admin, client_for, record_event
):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    with scopes_disabled():
        foreign_team = TeamFactory(account=other_account, name="Their team")
    html = (
        client_for(super_admin)
        .get(log(account, view="all", actor=[f"u{outsider.pk}", f"t{foreign_team.id}"]))
        .content.decode()
    )
    assert "Unknown user or team" in html

    starter = account_with_tier(Tier.STARTER, products=(Product.SALES,))
    boss = member_of(starter, role=Role.SUPER_ADMIN)
    record_event(starter, actor=boss, object_label="secret-crm-thing")
    record_event(
        starter,
        actor=boss,
        category="login",
        subcategory="login_succeeded",
        action="login",
        object_label="a-login",
    )
    html = client_for(boss).get(log(starter, view="all", category="crm_objects")).content.decode()
    # The tier's own words, not the form's "Select a valid choice".
    assert "Category: CRM objects (Available on Enterprise)" in html
    assert "Select a valid choice" not in html
    assert "secret-crm-thing" not in html and "a-login" in html
    assert "Available on Enterprise" in html  # the gated categories are shown, disabled


def test_keyset_pages_walk_without_overlap(account, super_admin, many_events, client_for):
    client = client_for(super_admin)
    seen: list[str] = []
    url = log(account, view="all", date="", size=25)
    for _ in range(10):
        html = client.get(url).content.decode()
        page = re.findall(r">(obj-\d{3})", html.split("<tbody>")[1])
        seen += page
        match = re.search(r'href="([^"]*after=[^"]*)"', html)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
    assert len(seen) == 130 and len(set(seen)) == 130
    assert seen == sorted(seen)  # newest first = obj-000 first
    # And back: Newer from the second page returns the first page.
    first = client.get(log(account, view="all", date="", size=25)).content.decode()
    older = re.search(r'href="([^"]*after=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = client.get(older).content.decode()
    newer = re.search(r'href="([^"]*before=[^"]*)"', second).group(1).replace("&amp;", "&")
    back = client.get(newer).content.decode()
    first_rows = re.findall(r'data-panel-link><time datetime="([^"]+)"', first)
    assert re.findall(r'data-panel-link><time datetime="([^"]+)"', back) == first_rows


def test_bounded_count_stops_at_the_bound(account, many_events):
    with scope(account=account):
        qs = Event.objects.filter(account=account)
        assert bounded_count(qs, bound=1000) == (130, False)
        assert bounded_count(qs, bound=100) == (100, True)


def test_cursor_round_trip_and_garbage():
    cursor = Cursor(occurred_at=dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC), id=42)
    assert Cursor.decode(cursor.encode()) == cursor
    for garbage in ["", "abc", "!!!", "MTIzNA", "eHh4Lnl5eQ"]:
        assert Cursor.decode(garbage) is None


def test_page_uses_few_queries(account, super_admin, many_events, client_for):
    client = client_for(super_admin)
    url = log(account, view="all", category="crm_objects", date="30d")
    client.get(url)  # warm caches and the self-audit event
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]
    assert not any("OFFSET" in q["sql"] for q in queries)


def test_htmx_request_renders_only_the_results(account, super_admin, many_events, client_for):
    html = (
        client_for(super_admin)
        .get(
            log(account, view="all", category="login"),
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="log-results",
        )
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="log-results"')
    assert 'hx-swap-oob="true"' in html  # the subcategory list follows the category
    assert "<html" not in html


def test_opening_the_log_is_audited_once_per_distinct_filter(account, super_admin, client_for):
    client = client_for(super_admin)
    for _ in range(3):
        client.get(log(account, view="all", category="login"))
    client.get(log(account, view="all", category="crm_objects"))
    with scope(account=account):
        views = Event.objects.filter(account=account, category="audit_logs", subcategory="log_view")
        assert views.count() == 2


def test_save_clone_rename_share_delete_a_view(account, super_admin, member, client_for):
    client = client_for(super_admin)
    base = f"/a/{account.pk}/audit-logs/views/"
    response = client.post(
        base + "new/",
        {"name": "Deletes", "sharing": "private", "category": "crm_objects", "action": "delete"},
    )
    assert response.status_code == 302
    with scope(account=account):
        view = SavedView.objects.get(account=account, name="Deletes")
    assert view.filters == {"category": "crm_objects", "action": "delete"}
    # A duplicate name (any case) is a field error.
    dup = client.post(base + "new/", {"name": "deletes", "sharing": "private"})
    assert dup.status_code == 400 and "already have a view" in dup.content.decode()
    # A default view's name cannot be taken.
    assert (
        "default view"
        in client.post(base + "new/", {"name": "All logs", "sharing": "private"}).content.decode()
    )
    # Save new filters into it.
    client.post(f"{base}{view.id}/save/", {"category": "login"})
    client.post(f"{base}{view.id}/rename/", {"name": "Logins"})
    client.post(f"{base}{view.id}/sharing/", {"sharing": "everyone"})
    with scope(account=account):
        view.refresh_from_db()
    assert (view.name, view.sharing, view.filters) == (
        "Logins",
        Sharing.EVERYONE,
        {"category": "login"},
    )
    # A member sees it, may clone it, but not change it.
    other = client_for(member)
    assert "Logins" in other.get(base).content.decode()
    other.post(f"{base}{view.id}/rename/", {"name": "Mine now"})
    other.post(f"{base}{view.id}/delete/")
    with scope(account=account):
        assert SavedView.objects.get(account=account, id=view.id).name == "Logins"
    assert (
        other.post(
            base + "new/",
            {"name": "Copy", "sharing": "private", "clone_of": view.id, "category": "login"},
        ).status_code
        == 302
    )
    # The owner deletes it; the changes were all audited.
    client.post(f"{base}{view.id}/delete/")
    with scope(account=account):
        assert not SavedView.objects.filter(account=account, id=view.id).exists()
        actions = list(
            Event.objects.filter(account=account, subcategory="saved_view")
            .order_by("occurred_at", "id")
            .values_list("action", flat=True)
        )
    assert actions == ["create", "update", "update", "update", "create", "delete"]


def test_a_link_to_a_private_or_deleted_view_falls_back_to_all_logs(
    account, other_account, super_admin, member, client_for, record_event
):
    record_event(account, actor=member, object_label="Grace row")
    with scopes_disabled():
        private = SavedView.objects.create(
            account=account, owner=member, name="Grace's secret view", filters={"category": "login"}
        )
        theirs = SavedView.objects.create(
            account=other_account,
            owner=member_of(other_account, role=Role.SUPER_ADMIN),
            name="Their view",
            sharing=Sharing.EVERYONE,
            filters={},
        )
        gone = SavedView.objects.create(account=account, owner=super_admin, name="Gone", filters={})
        gone_id = gone.id
        gone.delete()
    client = client_for(super_admin)
    for key in (private.id, theirs.id, gone_id, "99999999999999999999", "²"):
        response = client.get(log(account, view=key))
        html = response.content.decode()
        assert response.status_code == 200, key
        assert "This view no longer exists or is private to its owner" in html
        assert 'aria-current="page" title="All logs"' in html
        assert "Grace row" in html  # All logs' own filters, not the hidden view's
        assert "secret view" not in html and "Their view" not in html
    # Its actions still answer 404: the page falls back, changing the view does not.
    assert client.post(f"/a/{account.pk}/audit-logs/views/{private.id}/save/").status_code == 404


def test_detail_panel_by_tier(account, super_admin, client_for, record_event):
    event = record_event(
        account,
        actor=super_admin,
        ip="81.2.69.142",
        user_agent=CHROME,
        metadata={"before": {"name": "Old"}, "after": {"name": "New"}},
        url="/a/1/crm/records/7/",
    )
    html = (
        client_for(super_admin)
        .get(f"/a/{account.pk}/audit-logs/events/{event.id}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "United Kingdom" in html and "Chrome 131" in html
    assert "Show more info" in html and "Old" in html and "New" in html

    pro = account_with_tier(Tier.PROFESSIONAL, products=(Product.SALES,))
    boss = member_of(pro, role=Role.SUPER_ADMIN)
    login = record_event(
        pro,
        actor=boss,
        category="login",
        subcategory="login_succeeded",
        action="login",
        ip="81.2.69.142",
        metadata={"secret": "x"},
    )
    html = client_for(boss).get(f"/a/{pro.pk}/audit-logs/events/{login.id}/").content.decode()
    assert "United Kingdom" in html and "Available on Enterprise" in html
    assert "secret" not in html


def test_javascript_urls_are_never_links(account, super_admin, client_for, record_event):
    event = record_event(account, actor=super_admin, url="javascript:alert(1)")
    html = (
        client_for(super_admin)
        .get(f"/a/{account.pk}/audit-logs/events/{event.id}/")
        .content.decode()
    )
    assert "javascript:alert" not in html


def test_a_repeated_key_filters_on_the_value_the_form_shows(
    account, super_admin, many_events, client_for
):
    html = (
        client_for(super_admin)
        .get(log(account, view="all", category=["login", "crm_objects"], date=""))
        .content.decode()
    )
    assert 'value="login" selected' in html
    body = html.split("<tbody>")[1]
    assert ">CRM objects<" not in body  # the rows of the second value are not shown
    assert ">Login succeeded<" in body


def test_custom_dates_without_a_custom_range_are_not_flagged(
    account, super_admin, many_events, client_for
):
    html = (
        client_for(super_admin)
        .get(log(account, view="all", date="7d", start="garbage", end="2026-99-99"))
        .content.decode()
    )
    assert "Some filters were ignored" not in html
    assert 'value="7d" selected' in html


def test_the_log_view_event_names_the_view(account, super_admin, client_for):
    with scopes_disabled():
        mine = SavedView.objects.create(
            account=account, owner=super_admin, name="Night logins", filters={}
        )
    client = client_for(super_admin)
    client.get(log(account, view="security"))
    client.get(log(account, view=mine.id))
    with scope(account=account):
        labels_ = list(
            Event.objects.filter(account=account, subcategory="log_view")
            .order_by("occurred_at", "id")
            .values_list("object_id", "object_label")
        )
    assert labels_ == [("security", "Security activity"), (str(mine.id), "Night logins")]


def test_a_super_admin_manages_views_shared_with_everyone_but_not_private_ones(
    account, super_admin, member, client_for
):
    with scopes_disabled():
        shared = SavedView.objects.create(
            account=account, owner=member, name="Team view", sharing=Sharing.EVERYONE, filters={}
        )
        private = SavedView.objects.create(
            account=account, owner=member, name="My view", sharing=Sharing.PRIVATE, filters={}
        )
    admin = client_for(super_admin)
    base = f"/a/{account.pk}/audit-logs/views/"
    assert admin.post(f"{base}{shared.id}/rename/", {"name": "Renamed"}).status_code == 302
    assert admin.post(f"{base}{private.id}/rename/", {"name": "Taken over"}).status_code == 404
    assert admin.post(f"{base}{private.id}/delete/").status_code == 404
    with scope(account=account):
        names = set(SavedView.objects.filter(account=account).values_list("name", flat=True))
    assert names == {"Renamed", "My view"}
    # The page offers the shared view's menu to the super admin, but not to a member who did
    # not make it.
    with scopes_disabled():
        other = member_of(account, role=Role.MEMBER, audit_log_access=True)
        SavedView.objects.filter(id=shared.id).update(owner=other)
    html = client_for(member).get(log(account, view=shared.id)).content.decode()
    assert f"/views/{shared.id}/rename/" not in html and "Only the owner" in html
    html = admin.get(log(account, view=shared.id)).content.decode()
    assert f"/views/{shared.id}/rename/" in html


def test_default_views_offer_no_rename_or_delete(account, super_admin, client_for):
    html = client_for(super_admin).get(log(account, view="login")).content.decode()
    assert "Default views cannot be renamed" in html
    assert "Default views cannot be deleted" in html
    assert "/rename/" not in html and "/delete/" not in html


@pytest.mark.parametrize(
    "path",
    ["", "actors/?q=a", "views/", "views/new/", "events/{event}/"],
)
def test_every_log_page_answers_no_access_to_a_member_without_it(
    account, super_admin, member_without_access, client_for, record_event, path
):
    event = record_event(account, actor=super_admin, object_label="Board minutes")
    url = f"/a/{account.pk}/audit-logs/" + path.format(event=event.id)
    response = client_for(member_without_access).get(url)
    assert response.status_code == 403
    assert b"Board minutes" not in response.content


def test_rows_link_to_a_full_page_that_leads_back_to_the_same_filters(
    account, super_admin, client_for, record_event
):
    event = record_event(account, actor=super_admin, object_label="Acme")
    client = client_for(super_admin)
    html = client.get(log(account, view="all", action="update", date="7d")).content.decode()
    href = re.search(rf'href="(/a/{account.pk}/audit-logs/events/{event.id}/\?[^"]+)"', html)
    assert href, "the row links to its full page"
    page = client.get(href.group(1).replace("&amp;", "&")).content.decode()
    back = re.search(r'href="([^"]+)">← Back to audit logs', page).group(1).replace("&amp;", "&")
    assert "action=update" in back and "date=7d" in back
    # A link elsewhere is never followed.
    page = client.get(
        f"/a/{account.pk}/audit-logs/events/{event.id}/?back=https://evil.example/"
    ).content.decode()
    assert "evil.example" not in page


def test_an_empty_result_offers_reset_and_any_time(account, super_admin, client_for):
    html = (
        client_for(super_admin)
        .get(log(account, view="all", action="restore", date="today"))
        .content.decode()
    )
    assert "No events match these filters" in html
    assert "Reset to the saved view" in html and "Search any time" in html
    any_time = re.search(r'href="([^"]+)">Search any time', html).group(1)
    assert "action=restore" in any_time and "date=" not in any_time


def test_save_and_manage_show_what_a_view_filters_on(account, super_admin, member, client_for):
    client = client_for(super_admin)
    base = f"/a/{account.pk}/audit-logs/views/"
    dialog = client.get(
        base + f"new/?category=login&action=login&actor=u{member.pk}&date=7d"
    ).content.decode()
    assert "The view shows:" in dialog
    for words in ("Login", "Grace Hopper", "Last 7 days"):
        assert words in dialog
    client.post(base + "new/", {"name": "Grace logins", "sharing": "private", "category": "login"})
    page = client.get(base).content.decode()
    assert "Grace logins" in page and "Category: Login" in page and "Date: Any time" in page
    assert "Category: Security activity" in page  # the default views too


def test_a_nul_character_in_the_url_never_fails_the_page(account, super_admin, client_for):
    response = client_for(super_admin).get(log(account, view="all", category="\x00login"))
    assert response.status_code == 200
    assert 'value="login" selected' in response.content.decode()
    with scope(account=account):
        viewed = Event.objects.get(account=account, subcategory="log_view")
    assert viewed.metadata["filters"] == {"category": "login"}


def test_changed_by_search_matches_names_emails_and_teams(account, super_admin, member, client_for):
    with scopes_disabled():
        TeamFactory(account=account, name="Grace's team")
    client = client_for(super_admin)
    url = f"/a/{account.pk}/audit-logs/actors/"
    html = client.get(url, {"q": "grac"}).content.decode()
    assert f'data-actor-token="u{member.pk}"' in html and "Grace&#x27;s team" in html
    assert f'data-actor-token="u{super_admin.pk}"' not in html
    assert "northwind.test" in client.get(url, {"q": "ada@"}).content.decode()
    assert "No users or teams match" in client.get(url, {"q": "zzz"}).content.decode()
    assert client.get(url, {"q": "\x00"}).status_code == 200


def test_a_view_saves_only_the_filters_the_page_applied(
    account, other_account, super_admin, client_for
):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    client = client_for(super_admin)
    base = f"/a/{account.pk}/audit-logs/views/"
    bad = {"category": "login", "action": "no_such_action", "actor": f"u{outsider.pk}"}
    client.post(base + "new/", {"name": "Mixed", "sharing": "private", **bad})
    with scope(account=account):
        view = SavedView.objects.get(account=account, name="Mixed")
    assert view.filters == {"category": "login"}
    client.post(f"{base}{view.id}/save/", {"category": "nope", "date": "7d"})
    with scope(account=account):
        view.refresh_from_db()
    assert view.filters == {"date": "7d"}


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_back_and_next_links_stay_on_this_site(
    account, super_admin, client_for, record_event, back
):
    event = record_event(account, actor=super_admin)
    client = client_for(super_admin)
    page = client.get(f"/a/{account.pk}/audit-logs/events/{event.id}/", {"back": back})
    assert "evil.example" not in page.content.decode()
    with scopes_disabled():
        view = SavedView.objects.create(account=account, owner=super_admin, name="V", filters={})
    response = client.post(f"/a/{account.pk}/audit-logs/views/{view.id}/delete/", {"next": back})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_the_tabs_are_cached_until_a_view_of_the_account_changes(
    account, super_admin, member, client_for
):
    from console.saved_views import savedviews_tabs
    from tests.factories import SavedViewFactory

    with scope(account=account):
        mine = SavedViewFactory(account=account, owner=super_admin, name="Mine")
        assert [v.name for v in savedviews_tabs(account=account, user=super_admin)] == ["Mine"]
        with CaptureQueriesContext(connection) as queries:
            assert [v.id for v in savedviews_tabs(account=account, user=super_admin)] == [mine.id]
        assert len(queries) == 0
        # A colleague shares a view: it joins everyone's tabs at once.
        SavedViewFactory(account=account, owner=member, name="Shared", sharing=Sharing.EVERYONE)
        mine.name = "Renamed"
        mine.save()
        names = [v.name for v in savedviews_tabs(account=account, user=super_admin)]
        assert names == ["Renamed", "Shared"]
        SavedView.objects.filter(account=account, name="Shared").delete()
        assert [v.name for v in savedviews_tabs(account=account, user=super_admin)] == ["Renamed"]
    page = client_for(super_admin).get(log(account)).content.decode()
    assert "Renamed" in page


def test_a_page_past_the_end_of_the_log_links_to_the_newest(
    account, super_admin, many_events, client_for
):
    client = client_for(super_admin)
    oldest = min(many_events, key=lambda e: e.occurred_at)
    beyond = Cursor(occurred_at=oldest.occurred_at - dt.timedelta(days=1), id=1).encode()
    html = client.get(log(account, view="all", date="", size=25, after=beyond)).content.decode()
    assert "No older events" in html
    assert "No events match" not in html
    newest = re.search(r'href="([^"]+)">Go to the newest events', html).group(1)
    assert "after=" not in newest and "size=25" in newest
    first = client.get(newest.replace("&amp;", "&")).content.decode()
    assert first.count('<tr class="clickable" data-row-link>') == 25
    # Past the newest end the same; and a filter that matches nothing still says so.
    future = Cursor(occurred_at=timezone.now() + dt.timedelta(days=1), id=1).encode()
    html = client.get(log(account, view="all", date="", before=future)).content.decode()
    assert "No newer events" in html and "Go to the newest events" in html
    html = client.get(log(account, view="all", action="restore", after=beyond)).content.decode()
    assert "No events match these filters" in html and "No older events" not in html


def test_a_reversed_custom_range_is_swapped_and_shown_as_applied(
    account, super_admin, client_for, record_event
):
    record_event(account, actor=super_admin, object_label="Today's change")
    today = timezone.localdate()
    start, end = (today - dt.timedelta(days=3)).isoformat(), today.isoformat()
    client = client_for(super_admin)
    html = client.get(
        log(account, view="all", date="custom", start=end, end=start)
    ).content.decode()
    assert "The range ended before it started, so its dates were swapped." in html
    assert "Some filters were ignored" not in html
    assert f'id="f-start" name="start" value="{start}"' in html
    assert f'id="f-end" name="end" value="{end}"' in html
    assert "Today&#x27;s change" in html.split("<tbody>")[1]
    # What the page applied is what a saved view keeps.
    base = f"/a/{account.pk}/audit-logs/views/"
    client.post(
        base + "new/",
        {"name": "Swapped", "sharing": "private", "date": "custom", "start": end, "end": start},
    )
    with scope(account=account):
        view = SavedView.objects.get(account=account, name="Swapped")
    assert (view.filters["start"], view.filters["end"]) == (start, end)


def test_the_action_list_follows_the_category_and_subcategory(
    account, super_admin, many_events, client_for
):
    client = client_for(super_admin)

    def offered(html: str) -> list[str]:
        select = re.search(r'<select id="f-action".*?</select>', html, re.S).group(0)
        return [v for v in re.findall(r'value="([^"]*)"', select) if v]

    assert offered(client.get(log(account, view="all")).content.decode()) == [
        a.code for a in catalog.ACTIONS
    ]
    assert offered(client.get(log(account, view="all", category="login")).content.decode()) == [
        "login",
        "logout",
    ]
    sub = client.get(log(account, view="all", category="login", subcategory="logout"))
    assert offered(sub.content.decode()) == ["logout"]
    # On a filter change the list is re-rendered out of band, like the subcategories.
    partial = client.get(
        log(account, view="all", category="security_activity", subcategory="export"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="log-results",
    ).content.decode()
    assert '<div class="filter" id="action-field" hx-swap-oob="true">' in partial
    assert offered(partial) == ["export", "download"]


def test_an_action_the_category_does_not_record_is_dropped_with_a_note(
    account, super_admin, many_events, client_for
):
    html = (
        client_for(super_admin)
        .get(log(account, view="all", category="login", action="delete", date=""))
        .content.decode()
    )
    assert "Action: Login has no Delete action." in html
    body = html.split("<tbody>")[1]
    assert ">Login succeeded<" in body  # the logins show, not an empty page
    assert 'value="delete" selected' not in html
