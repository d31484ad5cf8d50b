from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from django import template
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.links import web_link
from auditlog import catalog
from auditlog.filters import filters_describe
from auditlog.models import Event

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

register = template.Library()


class _OpenThreads(TypedDict):
    open_threads: int


@register.simple_tag
def catalog_label(kind: str, code: str) -> str:
    """The translated catalog label of a stored category, subcategory or action code."""
    return catalog.label_of(kind, code)


@register.simple_tag
def timestamp(moment: dt.datetime | None, precision: str = "minute") -> SafeString:
    """A moment as every page shows it: in the viewer's time zone, in one format per language
    ("1 Dec 2026, 20:41"), in a <time> whose title gives the second and the zone. `precision` is
    "minute", "second" (where the moment itself is the subject) or "date"."""
    if moment is None:
        return format_html("{}", "—")
    local = timezone.localtime(moment)
    precise = f"{formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local)}"
    if precision == "second":
        shown = precise
    elif precision == "date":
        shown = formats.date_format(local, "DATE_FORMAT")
    else:
        shown = formats.date_format(local, "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}" title="{} {}">{}</time>',
        local.isoformat(),
        precise,
        local.tzname() or "",
        shown,
    )


@register.simple_tag
def actor(event: Event) -> SafeString:
    """Who acted, as tables and panels show it: a name, and a badge for staff or integrations."""
    name = format_html(
        '<span class="actor">{}</span>', event.actor_name or event.actor_email or _("Unknown")
    )
    if event.actor_type == "employee":
        return format_html('{} <span class="badge info">{}</span>', name, _("Platform employee"))
    if event.actor_type == "integration":
        return format_html('{} <span class="badge">{}</span>', name, event.actor_integration)
    return name


@register.simple_tag(takes_context=True)
def event_rows(
    context: template.Context, events: Iterable[WithAnnotations[Event, _OpenThreads]]
) -> SafeString:
    """The Audit Logs table's rows. A page shows up to 100 of them, so they are built here in one
    pass rather than by the template engine, which cost most of the page's time."""
    prefix, back = context["event_url_prefix"], context["row_back_query"]
    open_base = context["open_url_base"]
    unknown = _("Unknown")
    # One line per row: a cell too narrow for its value (beside the open panel, or on a small
    # screen) truncates it, and its title gives the full value.
    return format_html_join(
        "\n",
        '<tr class="clickable" data-row-link><td class="col-time"><a href="{}{}/?{}" '
        'hx-get="{}{}/" hx-target="#panel" hx-swap="innerHTML" hx-indicator="#panel" '
        'hx-replace-url="{}{}" data-panel-link>{}</a>{}</td><td title="{}">{}</td>'
        '<td title="{}">{}</td><td title="{}">{}</td><td title="{}">{}</td>'
        '<td title="{}">{}</td><td title="{}">{}</td></tr>',
        (
            (
                prefix, e.id, back, prefix, e.id, open_base, e.id,
                timestamp(e.occurred_at),
                _comment_indicator(e.id, e.open_threads),
                _actor_title(e, unknown), actor(e),
                *_twice(catalog.label_of("category", e.category)),
                *_subcategory_cell(e),
                *_twice(catalog.label_of("action", e.action)),
                *_object_cell(e),
                *_location_cell(e, unknown),
            )
            for e in events
        ),
    )  # fmt: skip


def _twice(text: str) -> tuple[str, str]:
    return text, text


def _subcategory_cell(e: Event) -> tuple[str, str]:
    # The title names the category too: where the table is narrow, the Category column yields.
    sub = catalog.label_of("subcategory", e.subcategory)
    return f"{catalog.label_of('category', e.category)} · {sub}", sub


def _comment_indicator(event_id: int, count: int) -> SafeString:
    if count:
        return render_to_string(
            "console/_comment_indicator.html", {"event_id": event_id, "count": count}
        )
    # Empty, but present: commenting in the panel fills it in place.
    return format_html('<span id="comment-indicator-{}"></span>', event_id)


def _actor_title(e: Event, unknown: str) -> str:
    name = e.actor_name or e.actor_email or unknown
    return f"{name} · {e.actor_email}" if e.actor_email and e.actor_email != name else name


def _object_cell(e: Event) -> tuple[str, SafeString]:
    label = e.object_label or "—"
    if e.object_type:
        kind = catalog.label_of("object_type", e.object_type)
        return f"{label} · {kind}", format_html(
            '{} <span class="muted small">{}</span>', label, kind
        )
    return label, format_html("{}", label)


def _location_cell(e: Event, unknown: str) -> tuple[str, SafeString]:
    if not e.country:
        return unknown, format_html('<span class="muted">{}</span>', unknown)
    place = f"{e.city}, {e.country}" if e.city else e.country
    return place, format_html("{}", place)


@register.simple_tag
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """mapping[key] in a template (keys that are not identifiers)."""
    return mapping.get(key, "")


# Moments and days in metadata, as services store them (isoformat).
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register.filter
def pretty_value(value: Any, key: str = "") -> SafeString:
    """A metadata value shown readably: codes named from the catalog (for `key`), moments in the
    viewer's time zone, numbers grouped, ids as #, lists joined, yes or no, a dash for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return format_html("{}", "—")
    if isinstance(value, bool):
        return format_html("{}", _("Yes") if value else _("No"))
    if isinstance(value, int | float):
        if key == "id" or key.endswith("_id"):
            return format_html("#{}", value)
        return format_html("{}", formats.number_format(value, force_grouping=True))
    if isinstance(value, list | tuple):
        return format_html_join(", ", "{}", ((pretty_value(v, key),) for v in value))
    if isinstance(value, dict):
        # One line per entry: a record's properties read as a list, not as one long line.
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((humanize_key(k), pretty_value(v, k)) for k, v in value.items()),
        )
    text = str(value)
    named = catalog.value_label(key, text)
    if named is not None:
        return format_html("{}", named)
    if ISO_MOMENT.match(text):
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return timestamp(moment)
    if ISO_DATE.match(text):
        with contextlib.suppress(ValueError):
            return format_html("{}", formats.date_format(dt.date.fromisoformat(text)))
    return format_html("{}", text)


@register.filter
def humanize_key(key: str) -> str:
    """A metadata key or property name as the catalog names it, else as words."""
    return catalog.label_of("field", str(key))


@register.filter
def before_after_rows(event: Event) -> list[tuple[str, SafeString, SafeString]]:
    """The rows of a before/after change, named and shown readably: the one property the event
    names, or each key present on either side."""
    meta = event.metadata or {}
    before, after = meta.get("before"), meta.get("after")
    prop = meta.get("property")
    if prop:
        return [(humanize_key(prop), pretty_value(before, prop), pretty_value(after, prop))]
    if not isinstance(before or {}, dict) or not isinstance(after or {}, dict):
        return [(str(_("Value")), pretty_value(before), pretty_value(after))]
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [
        (humanize_key(key), pretty_value(before.get(key), key), pretty_value(after.get(key), key))
        for key in keys
    ]


@register.filter
def other_metadata(event: Event) -> list[tuple[str, SafeString]]:
    """The rest of the metadata, for the Details tab: named, readable, with the platform's
    `details` as rows of their own and saved filters in words."""
    meta = event.metadata or {}
    rows: list[tuple[str, SafeString]] = []
    for key, value in meta.items():
        if key in {"before", "after", "property"} or (key == "view" and "view_name" in meta):
            continue
        if key == "details" and isinstance(value, dict):
            rows += [(humanize_key(k), pretty_value(v, k)) for k, v in value.items()]
        elif key == "filters" and isinstance(value, dict):
            described = filters_describe(account=event.account, filters=value)
            rows.append((humanize_key(key), format_html_join(" · ", "{}: {}", described)))
        else:
            rows.append((humanize_key(key), pretty_value(value, key)))
    return rows


@register.filter
def safe_url(url: str) -> str:
    """The URL if it is a web link or a path on this site; '' otherwise (no javascript: links)."""
    return web_link(url) or ""
