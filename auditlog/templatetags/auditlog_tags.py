from django import template

from auditlog import catalog

register = template.Library()


@register.simple_tag
def catalog_label(kind: str, code: str) -> str:
    """The translated catalog label of a stored category, subcategory or action code."""
    return catalog.label_of(kind, code)
