"""Changes to people and accounts."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.selectors import memberships_of
from auditlog.services import EventInput, event_record

PREFERENCE_FIELDS = ("full_name", "language", "time_zone")


@transaction.atomic
def user_preferences_update(
    *,
    user: User,
    full_name: str,
    language: str,
    time_zone: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> User:
    """Store a person's name, interface language and time zone (empty = follow defaults); a change
    is a User preferences event in every account the person is an active member of."""
    wanted = {"full_name": full_name.strip(), "language": language, "time_zone": time_zone}
    stored = User.objects.select_for_update().only(*PREFERENCE_FIELDS).get(pk=user.pk)
    changed = [name for name in PREFERENCE_FIELDS if getattr(stored, name) != wanted[name]]
    for name in PREFERENCE_FIELDS:
        setattr(user, name, wanted[name])
    if not changed:
        return user
    user.save(update_fields=changed)
    before = {name: getattr(stored, name) for name in changed}
    after = {name: wanted[name] for name in changed}
    # The preferences are the person's, not one account's: each account's log shows the change.
    for membership in memberships_of(user=user):
        event_record(
            account=membership.account,
            entry=EventInput.of_own_change(
                user=user,
                category="settings",
                subcategory="user_preferences",
                action="update",
                metadata={"before": before, "after": after},
                ip=ip,
                user_agent=user_agent,
                url=url,
            ),
        )
    return user
