"""Metadata shown readably in the detail panel's Details tab; one date and time format."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from auditlog import catalog
from auditlog.signals import LOGIN_TYPE_PASSWORD
from auditlog.templatetags.auditlog_tags import humanize_key, pretty_value, timestamp


def test_values_read_like_text_not_like_python():
    assert pretty_value(None) == "—"
    assert pretty_value("") == "—"
    assert pretty_value(True) == "Yes"
    assert pretty_value(False) == "No"
    assert pretty_value(0) == "0"
    assert pretty_value(["a", True, None]) == "a, Yes, —"
    assert (
        pretty_value({"two_factor": True, "method": "totp"})
        == "Two-factor authentication: Yes<br>Method: totp"
    )
    assert pretty_value([]) == "—"


def test_keys_and_coded_values_are_named_from_the_catalog():
    assert humanize_key("lifecyclestage") == "Lifecycle stage"
    assert humanize_key("numberofemployees") == "Number of employees"
    assert humanize_key("rows_estimate") == "Estimated rows"
    # Keys the catalog does not know read as words, never as code.
    assert humanize_key("payout_account") == "Payout account"
    assert humanize_key("payoutAccount") == "Payout account"
    assert humanize_key("IBAN") == "IBAN"
    assert pretty_value("audit_log", "kind") == "Audit log"
    assert pretty_value("marketingqualifiedlead", "lifecyclestage") == "Marketing qualified lead"
    assert pretty_value("audit_log", "view") == "audit_log"  # a value is named only for its key


def test_numbers_ids_and_moments_read_like_the_rest_of_the_product():
    assert pretty_value(56300000, "annualrevenue") == "56,300,000"
    assert pretty_value(334, "to_id") == "#334"
    assert pretty_value("2026-07-01", "closedate") == "1 Jul 2026"
    with timezone.override("Europe/Amsterdam"):
        moment = pretty_value("2026-12-01T19:41:05+00:00", "deleted_at")
    assert moment == (
        '<time datetime="2026-12-01T20:41:05+01:00" title="1 Dec 2026, 20:41:05 CET">'
        "1 Dec 2026, 20:41</time>"
    )


def test_one_date_and_time_format_in_each_language():
    moment = dt.datetime(2026, 12, 1, 19, 41, 5, tzinfo=dt.UTC)
    with timezone.override("Europe/Amsterdam"):
        assert timestamp(moment) == (
            '<time datetime="2026-12-01T20:41:05+01:00" title="1 Dec 2026, 20:41:05 CET">'
            "1 Dec 2026, 20:41</time>"
        )
        assert ">1 Dec 2026, 20:41:05</time>" in timestamp(moment, "second")
        assert ">1 Dec 2026</time>" in timestamp(moment, "date")
        with translation.override("nl"):
            assert ">1 dec 2026, 20:41</time>" in timestamp(moment)
            assert 'title="1 dec 2026, 20:41:05 CET"' in timestamp(moment)
    assert timestamp(None) == "—"


def test_sign_in_types_are_stored_as_recorded_and_shown_translated():
    assert catalog.label_of("login_type", LOGIN_TYPE_PASSWORD) == "Email and password"
    assert catalog.label_of("login_type", "Google") == "Google"


def test_show_more_info_links_only_to_web_pages_and_paths_here():
    from auditlog.templatetags.auditlog_tags import safe_url

    assert safe_url("/a/1/crm/records/7/") == "/a/1/crm/records/7/"
    assert safe_url("https://app.example/contacts/1") == "https://app.example/contacts/1"
    for bad in ("javascript:alert(1)", "//evil.example/", "/\\evil.example/", "data:text/html,x"):
        assert safe_url(bad) == ""
