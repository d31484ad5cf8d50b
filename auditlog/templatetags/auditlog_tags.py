from django import template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from auditlog import catalog

register = template.Library()


@register.simple_tag
def catalog_label(kind: str, code: str) -> str:
    """The translated catalog label of a stored category, subcategory or action code."""
    return catalog.label_of(kind, code)


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
