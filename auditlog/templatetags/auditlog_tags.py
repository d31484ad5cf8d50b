import datetime as dt

from django import template
from django.template.loader import render_to_string
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from auditlog import catalog

register = template.Library()


@register.simple_tag
def catalog_label(kind: str, code: str) -> str:
    """The translated catalog label of a stored category, subcategory or action code."""
    return catalog.label_of(kind, code)


@register.simple_tag
def event_time(moment: dt.datetime, format_name: str = "") -> SafeString:
    """A <time> element in the viewer's time zone. Table rows show it to the second, sortable and
    the same in every language; `format_name` (e.g. DATETIME_FORMAT) shows the localised form."""
    local = timezone.localtime(moment)
    precise = local.strftime("%Y-%m-%d %H:%M:%S")
    text = dateformat.format(local, formats.get_format(format_name)) if format_name else precise
    return format_html(
        '<time datetime="{}" title="{} {}">{}</time>',
        local.isoformat(),
        precise,
        local.tzname() or "",
        text,
    )


@register.simple_tag
def actor(event) -> SafeString:
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
def event_rows(context, events) -> SafeString:
    """The Audit Logs table's rows. A page shows up to 100 of them, so they are built here in one
    pass rather than by the template engine, which cost most of the page's time."""
    prefix, back = context["event_url_prefix"], context["row_back_query"]
    open_base = context["open_url_base"]
    unknown = _("Unknown")
    return format_html_join(
        "\n",
        '<tr class="clickable" data-row-link><td class="nowrap"><a href="{}{}/?{}" '
        'hx-get="{}{}/" hx-target="#panel" hx-swap="innerHTML" hx-indicator="#panel" '
        'hx-replace-url="{}{}" data-panel-link>{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                prefix, e.id, back, prefix, e.id, open_base, e.id,
                event_time(e.occurred_at),
                _comment_indicator(e.id, e.open_threads),
                actor(e),
                catalog.label_of("category", e.category),
                catalog.label_of("subcategory", e.subcategory),
                catalog.label_of("action", e.action),
                _object_cell(e),
                _location_cell(e, unknown),
            )
            for e in events
        ),
    )  # fmt: skip


def _comment_indicator(event_id: int, count: int) -> SafeString:
    if count:
        return render_to_string(
            "console/_comment_indicator.html", {"event_id": event_id, "count": count}
        )
    # Empty, but present: commenting in the panel fills it in place (an out-of-band swap).
    return format_html('<span id="comment-indicator-{}"></span>', event_id)


def _object_cell(e) -> SafeString:
    if e.object_type:
        return format_html(
            '{}<div class="muted small">{}</div>',
            e.object_label or "—",
            catalog.label_of("object_type", e.object_type),
        )
    return format_html("{}", e.object_label or "—")


def _location_cell(e, unknown: str) -> SafeString:
    if not e.country:
        return format_html('<span class="muted">{}</span>', unknown)
    return format_html("{}, {}", e.city, e.country) if e.city else format_html("{}", e.country)


@register.simple_tag
def get_item(mapping: dict, key):
    """mapping[key] in a template (keys that are not identifiers)."""
    return mapping.get(key, "")


@register.filter
def pretty_value(value) -> str:
    """A metadata value shown readably: lists joined, empty shown as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | tuple):
        return ", ".join(pretty_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{humanize_key(k)}: {pretty_value(v)}" for k, v in value.items()) or "—"
    return str(value)


@register.filter
def humanize_key(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


@register.filter
def before_after_rows(event) -> list[tuple[str, object, object]]:
    """Rows of a before/after change: one per key present on either side."""
    meta = event.metadata or {}
    before, after = meta.get("before") or {}, meta.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("value", before, after)]
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(key, before.get(key), after.get(key)) for key in keys]


@register.filter
def other_metadata(event) -> list[tuple[str, object]]:
    """Metadata entries other than the before/after change, for the Details tab."""
    meta = event.metadata or {}
    return [(k, v) for k, v in meta.items() if k not in {"before", "after", "property"}]


@register.filter
def safe_url(url: str) -> str:
    """The URL if it is a web link or a path on this site; '' otherwise (no javascript: links)."""
    url = (url or "").strip()
    if url.startswith("/"):
        # "//host" and "/\\host" are other sites to a browser, not paths on this one.
        return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""
    if url.lower().startswith(("https://", "http://")):
        return url
    return ""
