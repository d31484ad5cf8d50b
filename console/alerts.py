"""Audit-log alerts (SPEC S7): removed admin rights at once, multiple exports in a daily check."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from accounts.models import Account, Role, User
from auditlog.hooks import event_recorded
from auditlog.models import Event
from auditlog.services import EventInput, event_record
from console.models import AlertFired, AlertSetting
from console.saved_views import log_url
from notifications.models import Kind
from notifications.services import notification_create

logger = logging.getLogger(__name__)

REMOVED_ADMIN_RIGHTS = ("security_activity", "admin_rights", "remove")
EXPORT = ("security_activity", "export")
# A super admin's choices, in the order the settings page shows them.
ALERT_FIELDS = ("multiple_exports", "multiple_exports_threshold", "removed_admin_rights")


@receiver(event_recorded)
def on_event_recorded(sender: object, *, account: Account, event: Event, **kwargs: object) -> None:
    """Alerts that fire at once: the recording service announces every event it records."""
    if (event.category, event.subcategory, event.action) == REMOVED_ADMIN_RIGHTS:
        transaction.on_commit(lambda: removed_admin_rights_notify(account=account, event=event))


def removed_admin_rights_notify(*, account: Account, event: Event) -> int:
    """Notify each opted-in super admin that a user's admin rights were removed."""
    with scope(account=account):
        settings = list(alert_subscribers(account=account, alert="removed_admin_rights"))
        for setting in settings:
            with translation.override(setting.user.language or account.default_language):
                notification_create(
                    account=account,
                    recipient=setting.user,
                    kind=Kind.ALERT,
                    title=_("Admin rights removed: %(who)s")
                    % {"who": event.object_label or event.object_id},
                    body=_("%(actor)s removed admin rights in %(account)s.")
                    % {"actor": event.actor_name or event.actor_email, "account": account.name},
                    url=reverse("console:event_detail", args=[account.pk, event.id]),
                )
    return len(settings)


def _previous_day(account: Account, now: dt.datetime) -> dt.date:
    """Yesterday in the account's time zone: a whole day even where it ends after UTC's."""
    zone: dt.tzinfo
    try:
        zone = zoneinfo.ZoneInfo(account.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return now.astimezone(zone).date() - dt.timedelta(days=1)


def _day_range(account: Account, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone: dt.tzinfo
    try:
        zone = zoneinfo.ZoneInfo(account.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def multiple_exports_check(*, day: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """The daily check: for each account with the alert on, count the exports of its previous
    day (in the account's time zone) and notify each opted-in super admin whose threshold is
    reached, once per account and day."""
    now = now or timezone.now()
    with scopes_disabled():  # finding the accounts that want the alert spans accounts
        account_ids = sorted(
            set(
                AlertSetting.objects.filter(multiple_exports=True).values_list(
                    "account_id", flat=True
                )
            )
        )
    sent = 0
    for account in Account.objects.filter(pk__in=account_ids):
        account_day = day or _previous_day(account, now)
        start, end = _day_range(account, account_day)
        with scope(account=account):
            exports = Event.objects.filter(
                account=account,
                category=EXPORT[0],
                action=EXPORT[1],
                occurred_at__gte=start,
                occurred_at__lt=end,
            ).count()
            for setting in alert_subscribers(account=account, alert="multiple_exports"):
                if exports < setting.multiple_exports_threshold:
                    continue
                sent += _fire_once(
                    account=account, setting=setting, day=account_day, exports=exports
                )
    return sent


def _fire_once(*, account: Account, setting: AlertSetting, day: dt.date, exports: int) -> int:
    try:
        with transaction.atomic():
            AlertFired.objects.create(
                account=account, user=setting.user, alert="multiple_exports", day=day
            )
            with translation.override(setting.user.language or account.default_language):
                notification_create(
                    account=account,
                    recipient=setting.user,
                    kind=Kind.ALERT,
                    title=_("%(count)d exports on %(day)s in %(account)s")
                    % {"count": exports, "day": day.isoformat(), "account": account.name},
                    body=_("Your threshold is %(threshold)d exports per day.")
                    % {"threshold": setting.multiple_exports_threshold},
                    url=log_url(
                        account.pk,
                        "all",
                        {
                            "category": "security_activity",
                            "action": "export",
                            "date": "custom",
                            "start": day.isoformat(),
                            "end": day.isoformat(),
                        },
                    ),
                )
    except IntegrityError:
        return 0  # already sent for this account and day
    return 1


def alert_subscribers(*, account: Account, alert: str) -> QuerySet[AlertSetting]:
    """Active super admins of the account who turned the alert on."""
    return AlertSetting.objects.filter(
        account=account,
        **{alert: True},
        user__memberships__account=account,
        user__memberships__role=Role.SUPER_ADMIN,
        user__memberships__is_active=True,
    ).select_related("user")


def alert_setting_for(*, account: Account, user: User) -> AlertSetting:
    setting = AlertSetting.objects.filter(account=account, user=user).first()
    return setting or AlertSetting(account=account, user=user)


@transaction.atomic
def alert_setting_update(
    *,
    account: Account,
    user: User,
    multiple_exports: bool,
    multiple_exports_threshold: int,
    removed_admin_rights: bool,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> AlertSetting:
    """Store a super admin's audit-log alert choices; a change is a Notification settings event."""
    if multiple_exports_threshold < 1:
        raise ValueError("the threshold must be at least 1")
    current = AlertSetting.objects.select_for_update().filter(
        account=account, user=user
    ).first() or AlertSetting(account=account, user=user)
    before = {field: getattr(current, field) for field in ALERT_FIELDS}
    after = {
        "multiple_exports": multiple_exports,
        "multiple_exports_threshold": multiple_exports_threshold,
        "removed_admin_rights": removed_admin_rights,
    }
    setting, _ = AlertSetting.objects.update_or_create(account=account, user=user, defaults=after)
    if after != before:
        event_record(
            account=account,
            entry=EventInput.of_own_change(
                user=user,
                category="settings",
                subcategory="notifications",
                action="update",
                metadata={"before": before, "after": after},
                ip=ip,
                user_agent=user_agent,
                url=url,
            ),
        )
    return setting
