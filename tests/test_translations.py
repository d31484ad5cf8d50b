"""The Dutch translation ships complete: every entry translated, none fuzzy, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")
CATALOGS = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def _names(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.fixture(params=CATALOGS, ids=lambda path: path.parts[-3])
def catalog(request) -> polib.POFile:
    return polib.pofile(str(request.param))


def test_dutch_is_shipped():
    assert [path.parts[-3] for path in CATALOGS] == ["nl"]


def test_every_entry_is_translated(catalog: polib.POFile):
    live = [entry for entry in catalog if not entry.obsolete]
    assert len(live) > 400
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


def test_translations_keep_their_placeholders(catalog: polib.POFile):
    broken = []
    for entry in catalog:
        if entry.obsolete:
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = _names(entry.msgid) | _names(entry.msgid_plural or "")
        broken += [entry.msgid for text in translations if _names(text) - expected]
        if not entry.msgid_plural and _names(entry.msgstr) != _names(entry.msgid):
            broken.append(entry.msgid)
    assert broken == []
