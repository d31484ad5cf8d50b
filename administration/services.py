"""Changes to people and accounts."""

from __future__ import annotations

from accounts.models import User


def user_preferences_update(*, user: User, full_name: str, language: str, time_zone: str) -> User:
    """Store a person's name, interface language and time zone (empty = follow defaults)."""
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "language", "time_zone"])
    return user
