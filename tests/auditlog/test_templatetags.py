"""Metadata shown readably in the detail panel's Details tab."""

from __future__ import annotations

from auditlog.templatetags.auditlog_tags import pretty_value


def test_values_read_like_text_not_like_python():
    assert pretty_value(None) == "—"
    assert pretty_value("") == "—"
    assert pretty_value(True) == "Yes"
    assert pretty_value(False) == "No"
    assert pretty_value(0) == "0"
    assert pretty_value(["a", True, None]) == "a, Yes, —"
    assert pretty_value({"two_factor": True, "method": "totp"}) == "Two factor: Yes, Method: totp"
    assert pretty_value([]) == "—"


def test_show_more_info_links_only_to_web_pages_and_paths_here():
    from auditlog.templatetags.auditlog_tags import safe_url

    assert safe_url("/a/1/crm/records/7/") == "/a/1/crm/records/7/"
    assert safe_url("https://app.example/contacts/1") == "https://app.example/contacts/1"
    for bad in ("javascript:alert(1)", "//evil.example/", "/\\evil.example/", "data:text/html,x"):
        assert safe_url(bad) == ""
