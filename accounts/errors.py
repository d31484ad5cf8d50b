"""The project's own refusals: raised by services, shown to the person, never retried by tasks.

Not `PermissionError` (an `OSError`, which task retry rules treat as transient I/O) and not a
bare `Exception`: a view or task can tell a business rule from a failure."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule stopped the action; the message is written for the person."""


class Refused(DomainError):
    """The person may not do this here (role, tier, ownership)."""


class NotFound(DomainError):
    """The object is not in this account (another account's object reads as absent)."""
