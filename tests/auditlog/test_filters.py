"""The one way the log is filtered (page, saved views, exports) and the one way filters are
described in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Tier
from auditlog.filters import event_filter, filters_describe
from exports.models import ExportJob
from exports.selectors import export_summary
from tests.factories import TeamFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db


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
