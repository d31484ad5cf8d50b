"""Actions that the floors above the log offer on its pages, registered by the apps that own them.

The log never names a higher floor's URLs: the CRM registers "Restore …" for its Delete events and
exports register "Download exported file" and the page's "Export report" button. Each action is
a template of its owner, rendered by the console with the event (panel) or the page's state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditlog.models import Event


@dataclass(frozen=True)
class PanelAction:
    """Shown in an event's detail panel when `applies(event)`; `template` gets `event`."""

    name: str
    template: str
    applies: Callable[[Event], bool]


@dataclass(frozen=True)
class PageAction:
    """A button beside the log's title; `template` gets `state_query` and `oob`."""

    name: str
    template: str


_panel_actions: dict[str, PanelAction] = {}
_page_actions: dict[str, PageAction] = {}


def panel_action_register(action: PanelAction) -> None:
    """Offer an action in the detail panel (registering the same name again replaces it)."""
    _panel_actions[action.name] = action


def page_action_register(action: PageAction) -> None:
    """Offer a button on the Audit Logs page (registering the same name again replaces it)."""
    _page_actions[action.name] = action


def panel_actions_for(event: Event) -> list[PanelAction]:
    """The panel actions that apply to this event, in the order they were registered."""
    return [action for action in _panel_actions.values() if action.applies(event)]


def page_actions() -> list[PageAction]:
    return list(_page_actions.values())
