"""The one way the log is filtered (page, saved views, exports) and the one way filters are
described in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from accounts.models import Tier
from auditlog.filters import event_filter, filters_describe
from exports.models import ExportJob
from exports.selectors import export_summary
from tests.factories import TeamFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Labels and notes are compared in English, whatever an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def starter():
    with scopes_disabled():
        account = account_with_tier(Tier.STARTER, name="Starter Test")
        return account, member_of(account, full_name="Sam Starter")


def test_the_filter_sees_only_what_the_tier_may_see(starter, record_event):
    account, person = starter
    with scope(account=account):
        login = record_event(
            account, actor=person, category="login", subcategory="login_succeeded", action="login"
        )
        record_event(account, actor=person)  # CRM objects: not on Starter
        record_event(
            account,
            actor=person,
            category="login",
            subcategory="login_succeeded",
            action="login",
            occurred_at=timezone.now() - dt.timedelta(days=91),
        )  # fmt: skip  (past Starter's 90 days)

        filterset = event_filter(account=account, filters={})
        assert [e.id for e in filterset.qs] == [login.id]

        gated = event_filter(account=account, filters={"category": "crm_objects"})
        assert list(gated.problems()) == ["Category"]
        assert gated.ignored() == [f"Category: {' '.join(gated.problems()['Category'])}"]


def test_the_page_reads_only_the_columns_its_table_shows(account, super_admin, record_event):
    with scope(account=account):
        record_event(account, actor=super_admin, metadata={"before": 1, "after": 2})
        [listed] = event_filter(account=account, filters={}, for_list=True).qs
        [full] = event_filter(account=account, filters={}).qs
    assert "metadata" in listed.get_deferred_fields()
    assert "metadata" not in full.get_deferred_fields()


def test_views_and_export_summaries_describe_filters_in_the_same_words(account, super_admin):
    with scopes_disabled():
        team = TeamFactory(account=account, name="Finance")
    filters = {
        "category": "crm_objects",
        "subcategory": "contact",
        "action": "delete",
        "actor": [f"u{super_admin.pk}", f"t{team.id}"],
        "date": "custom",
        "start": "2026-05-01",
        "end": "2026-05-10",
    }
    with scope(account=account):
        described = filters_describe(account=account, filters=filters)
        job = ExportJob(account=account, requester=super_admin, filters=filters)
        summary = export_summary(account=account, job=job)

    assert described == [
        ("Category", "CRM objects"),
        ("Subcategory", "Contact"),
        ("Action", "Delete"),
        ("Changed by", "Ada Lovelace, Finance"),
        ("Date", "2026-05-01 to 2026-05-10"),
    ]
    assert summary == " · ".join(value for _what, value in described)


@pytest.mark.parametrize("tier", [Tier.STARTER, Tier.PROFESSIONAL])
def test_a_gated_category_is_refused_with_the_tier_it_needs(tier):
    with scopes_disabled():
        account = account_with_tier(tier, name=f"{tier.label} Test")
    with scope(account=account):
        gated = event_filter(
            account=account, filters={"category": "crm_objects", "subcategory": "contact"}
        )
        assert gated.problems() == {
            "Category": ["CRM objects (Available on Enterprise)"],
            "Subcategory": ["Dropped with the category."],
        }
        unknown = event_filter(account=account, filters={"category": "no_such_category"})
        assert "Select a valid choice" in unknown.ignored()[0]


def test_an_action_the_category_does_not_record_is_dropped_with_a_note(account):
    with scope(account=account):
        login = event_filter(account=account, filters={"category": "login", "action": "delete"})
        assert login.problems() == {"Action": ["Login has no Delete action."]}
        assert "action" not in login.cleaned()
        logout = event_filter(
            account=account,
            filters={"category": "login", "subcategory": "logout", "action": "login"},
        )
        assert logout.problems() == {"Action": ["Logout has no Login action."]}
        fine = event_filter(account=account, filters={"category": "login", "action": "logout"})
        assert fine.problems() == {} and fine.cleaned()["action"] == "logout"
        anywhere = event_filter(account=account, filters={"action": "delete"})
        assert anywhere.problems() == {}


def test_a_range_given_end_first_is_swapped_everywhere_it_is_read():
    from auditlog.filters import custom_range_swapped, normalize_filters

    reversed_ = {"date": "custom", "start": "2026-05-10", "end": "2026-05-01"}
    assert normalize_filters(reversed_) == {
        "date": "custom",
        "start": "2026-05-01",
        "end": "2026-05-10",
    }
    assert custom_range_swapped(reversed_)
    assert not custom_range_swapped(normalize_filters(reversed_))
    # Only a custom range of two real days is swapped; anything else is left for the form.
    assert not custom_range_swapped({**reversed_, "date": "7d"})
    assert normalize_filters({**reversed_, "end": "2026-02-30"})["end"] == "2026-02-30"
    assert not custom_range_swapped({"date": "custom", "start": "2026-05-10"})


def test_a_cursor_past_either_end_says_so(account, super_admin, record_event):
    from auditlog.pagination import Cursor, keyset_page

    with scope(account=account):
        events = [record_event(account, actor=super_admin, object_label=f"E{i}") for i in range(3)]
        queryset = event_filter(account=account, filters={}).qs
        oldest, newest = events[0], events[-1]
        assert not keyset_page(queryset, size=2).past_end
        past_oldest = Cursor(oldest.occurred_at - dt.timedelta(days=400), 1)
        beyond = keyset_page(queryset, after=past_oldest, size=2)
        assert beyond.items == [] and beyond.past_end and beyond.older is None
        past_newest = Cursor(newest.occurred_at + dt.timedelta(days=1), newest.id)
        assert keyset_page(queryset, before=past_newest, size=2).past_end
        inside = keyset_page(queryset, after=Cursor(newest.occurred_at, newest.id), size=2)
        assert [e.id for e in inside.items] == [events[1].id, oldest.id] and not inside.past_end
