"""Every public service that changes tenant state records its catalog event (SPEC S2).

The public functions of every app's `services.py`, and of the console's comments, saved views
and alerts, are discovered. Each one has a scenario below (set up, call the service, then exactly
these new events, with their before/after values) or a reason in NOT_RECORDED. A new service
without either fails `test_every_public_service_has_a_scenario_or_a_reason`, naming it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.mail import EmailMessage
from django.test import RequestFactory
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Account, Membership, Role, User
from administration import people, security
from administration.services import user_preferences_update
from auditlog.models import Event
from auditlog.services import log_view_record
from console.alerts import alert_setting_update
from console.comments import comment_create, comment_delete, comment_edit, comment_resolve
from console.models import Comment, Sharing
from console.saved_views import (
    savedview_create,
    savedview_delete,
    savedview_rename,
    savedview_save_filters,
    savedview_share,
)
from crm.services import RequestInfo, record_delete, record_restore
from exports.models import ExportJob, Kind, Status
from exports.services import (
    export_download_record,
    export_employee_access_request,
    export_request,
)
from tests.administration.two_factor import code_of
from tests.factories import (
    AccountFactory,
    MembershipFactory,
    RecordFactory,
    SavedViewFactory,
    TeamFactory,
    TeamMemberFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

IP = "81.2.69.142"
UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"
ORIGIN: dict[str, Any] = {"ip": IP, "user_agent": UA, "url": "/somewhere/"}
CONSOLE_MODULES = ("console.comments", "console.saved_views", "console.alerts")
# Services of account administration outside its services.py.
ADMINISTRATION_MODULES = ("administration.people", "administration.security")

# Public services that change no tenant state a person decided, with the reason.
NOT_RECORDED: dict[str, str] = {
    # The recording itself.
    "auditlog.services.event_record": "the recording service itself",
    "auditlog.services.events_bulk_load": "the recording service itself, many events through COPY",
    "auditlog.services.copy_rows": "writes rows events_bulk_load has validated and enriched",
    "auditlog.services.partitions_maintain": "automation: beat creates and drops partitions",
    "auditlog.services.retention_floor": "read: the oldest moment a tier shows",
    # Deliveries.
    "notifications.services.absolute_url": "read: a link for an email",
    "notifications.services.notification_create": "delivery: tells a person of an event recorded",
    "notifications.services.notifications_create": "delivery: tells people of an event recorded",
    "notifications.services.notification_email_deliver": "delivery: claims and sends the email",
    "notifications.services.notification_mark_read": "delivery state of one's own inbox",
    "notifications.services.notifications_mark_all_read": "delivery state of one's own inbox",
    "notifications.services.unread_count": "read: the bell's count",
    "console.alerts.on_event_recorded": "delivery: fires alerts for an event just recorded",
    "console.alerts.removed_admin_rights_notify": "delivery: notifies opted-in super admins",
    "console.alerts.multiple_exports_check": "automation: the daily check notifies, once a day",
    "console.alerts.alert_subscribers": "read: who turned an alert on",
    "console.alerts.alert_setting_for": "read: a person's alert choices",
    # Reads and helpers of the comments and saved views.
    "console.comments.mentionable_members": "read: who can be tagged",
    "console.comments.mention_search": "read: the @ picker",
    "console.comments.encode_mentions": "pure: turns picked names into markers",
    "console.comments.mentioned_ids": "pure: the markers of a body",
    "console.comments.decode_mentions": "pure: markers back to names",
    "console.comments.render_body": "pure: a body as HTML",
    "console.comments.render_folded": "pure: a body as HTML, a long one folded",
    "console.comments.mention_names": "read: current names of the people mentioned",
    "console.comments.comment_permalink": "pure: a comment's link",
    "console.comments.comment_get": "read: one comment",
    "console.comments.threads_of": "read: an entry's threads",
    "console.comments.with_open_thread_counts": "read: the table's open-thread indicator",
    "console.comments.comment_count": "read: the Comments tab's count",
    "console.saved_views.savedviews_visible": "read: the views a person sees",
    "console.saved_views.savedviews_tabs": "read: the tabs, cached",
    "console.saved_views.view_resolve": "read: the view a URL names",
    "console.saved_views.view_find": "read: the view a URL names, if visible",
    "console.saved_views.view_key": "pure: a view's key for the URL",
    "console.saved_views.can_change": "read: whether a person may change a view",
    "console.saved_views.log_url": "pure: the log URL of a view with filters",
    # CRM reads and automation.
    "crm.services.restore_deadline": "pure: when a deleted record stops being restorable",
    "crm.services.record_url": "pure: a record's page",
    "crm.services.restore_event_of": "read: the Restore event of a Delete event",
    "crm.services.restore_state": "read: what a Delete event's panel offers",
    "crm.services.records_purge": "automation: the daily purge writes PurgeLog rows instead",
    # Export jobs run by the worker, and reads.
    "exports.services.export_claim": "automation: the worker claims a job",
    "exports.services.export_source": "read: a job's SELECT and columns",
    "exports.services.download_name": "pure: a file's download name",
    "exports.services.export_run": "automation: the worker builds the file",
    "exports.services.download_url": "pure: a job's download link",
    "exports.services.exports_page_url": "pure: the Exports page",
    "exports.services.export_fail": "automation: the worker gives up and tells the requester",
    "exports.services.export_email_deliver": "delivery: the export's email",
    "exports.services.exports_sweep": "automation: beat re-enqueues what the broker lost",
    "exports.services.exports_expire": "automation: beat deletes expired files",
    # Users & teams: the links and deliveries of their emails.
    "administration.people.invitation_url": "pure: an invitation's signed link",
    "administration.people.invitation_email_deliver": "delivery: an invitation's email",
    "administration.people.password_reset_url": "pure: a password-reset link",
    "administration.people.password_reset_email_deliver": "delivery: a password-reset email",
    "administration.people.emails_sweep": "automation: beat re-enqueues what the broker lost",
    # Two-factor reads and helpers.
    "administration.security.two_factor_enabled": "read: whether a person has an authenticator",
    "administration.security.two_factor_requiring_accounts": "read: accounts requiring it",
    "administration.security.backup_codes_left": "read: unused backup codes",
    "administration.security.members_without_two_factor": "read: the settings page's count",
    "administration.security.totp_key_new": "pure: a secret kept in the session until enabled",
    "administration.security.totp_key_valid": "pure: checks a secret read from the session",
    "administration.security.totp_secret_text": "pure: a secret as people type it",
    "administration.security.totp_config_url": "pure: the QR code's otpauth link",
    "administration.security.code_refusal_message": "pure: why a code was refused, in words",
}


def service_modules() -> list[str]:
    apps = sorted(path.parent.name for path in Path(settings.BASE_DIR).glob("*/services.py"))
    return [f"{app}.services" for app in apps] + list(CONSOLE_MODULES + ADMINISTRATION_MODULES)


def public_services() -> Iterator[str]:
    """`module.function` for each public function defined in a service module."""
    for name in service_modules():
        module = importlib.import_module(name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if not function_name.startswith("_") and function.__module__ == name:
                yield f"{name}.{function_name}"


# Scenarios -----------------------------------------------------------------------------------


@dataclass
class World:
    account: Account
    other_account: Account
    super_admin: User
    member: User
    record_event: Callable[..., Event]

    def membership(self, user: User, account: Account | None = None) -> Membership:
        with scopes_disabled():
            return Membership.objects.select_related("user", "account").get(
                account=account or self.account, user=user
            )

    def entry(self) -> Event:
        """A log entry to comment on."""
        return self.record_event(self.account, actor=self.super_admin, object_label="Acme Corp")


@dataclass
class Expected:
    """One event the service must have recorded."""

    account: Account
    what: str  # category/subcategory/action
    object_type: str
    object_id: str | Callable[[], str]
    metadata: dict[str, Any] = field(default_factory=dict)  # these keys, with these values
    absent: tuple[str, ...] = ()  # metadata keys that must not be there
    ip: str | None = IP


@dataclass
class Case:
    call: Callable[[], object]
    expected: list[Expected]


def preferences_changed(w: World) -> Case:
    user = w.super_admin
    with scopes_disabled():
        MembershipFactory(account=w.other_account, user=user, role=Role.MEMBER)
        left = AccountFactory(name="Left Test")
        MembershipFactory(account=left, user=user, is_active=False)  # a former account: no event
    User.objects.filter(pk=user.pk).update(full_name="Ada Lovelace", language="", time_zone="UTC")
    user.refresh_from_db()

    def call() -> None:
        user_preferences_update(
            user=user, full_name=" Ada King ", language="nl", time_zone="UTC", **ORIGIN
        )

    change = {
        "before": {"full_name": "Ada Lovelace", "language": ""},
        "after": {"full_name": "Ada King", "language": "nl"},
    }
    return Case(
        call,
        [
            Expected(a, "settings/user_preferences/update", "user", str(user.pk), change)
            for a in (w.account, w.other_account)
        ],
    )


def preferences_unchanged(w: World) -> Case:
    user = w.super_admin
    return Case(
        lambda: user_preferences_update(
            user=user,
            full_name=user.full_name,
            language=user.language,
            time_zone=user.time_zone,
            **ORIGIN,
        ),
        [],
    )


def log_viewed(w: World) -> Case:
    def call() -> None:
        with scope(account=w.account):
            log_view_record(
                account=w.account,
                user=w.member,
                view_key="all",
                view_name="All logs",
                filters={"date": "7d"},
                **ORIGIN,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/log_view/view",
                "audit_log_view",
                "all",
                {"filters": {"date": "7d"}},
            )
        ],
    )


ALERTS_OFF = {
    "multiple_exports": False,
    "multiple_exports_threshold": 10,
    "removed_admin_rights": False,
}
ALERTS_ON = {
    "multiple_exports": True,
    "multiple_exports_threshold": 25,
    "removed_admin_rights": True,
}


def alerts_changed(w: World) -> Case:
    def call() -> None:
        with scope(account=w.account):
            alert_setting_update(account=w.account, user=w.super_admin, **ALERTS_ON, **ORIGIN)

    return Case(
        call,
        [
            Expected(
                w.account,
                "settings/notifications/update",
                "user",
                str(w.super_admin.pk),
                {"before": ALERTS_OFF, "after": ALERTS_ON},
            )
        ],
    )


def alerts_unchanged(w: World) -> Case:
    def call() -> None:
        with scope(account=w.account):
            alert_setting_update(account=w.account, user=w.super_admin, **ALERTS_ON, **ORIGIN)

    call()
    return Case(call, [])


def _comment(w: World, entry: Event, body: str = "first words") -> Comment:
    with scope(account=w.account):
        return comment_create(
            account=w.account, author=w.super_admin, event=entry, body=body, mention_ids=[]
        )


def comment_written(w: World) -> Case:
    entry = w.entry()
    written: list[Comment] = []

    def call() -> None:
        with scope(account=w.account):
            written.append(
                comment_create(
                    account=w.account,
                    author=w.member,
                    event=entry,
                    body="Was this expected?",
                    mention_ids=[],
                    ip=IP,
                    user_agent=UA,
                )
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/comment/create",
                "comment",
                lambda: str(written[0].id),
                {"event_id": entry.id},
                absent=("before", "after"),
            )
        ],
    )


def comment_edited(w: World) -> Case:
    entry = w.entry()
    comment = _comment(w, entry)

    def call() -> None:
        with scope(account=w.account):
            comment_edit(
                account=w.account,
                user=w.super_admin,
                comment=comment,
                event=entry,
                body="@Grace Hopper, better words",
                mention_ids=[w.member.pk],
                ip=IP,
                user_agent=UA,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/comment/update",
                "comment",
                str(comment.id),
                {
                    "event_id": entry.id,
                    "before": {"body": "first words"},
                    "after": {"body": "@Grace Hopper, better words"},
                },
            )
        ],
    )


def comment_deleted(w: World) -> Case:
    entry = w.entry()
    comment = _comment(w, entry, "a secret")

    def call() -> None:
        with scope(account=w.account):
            comment_delete(
                account=w.account,
                membership=w.membership(w.super_admin),
                comment=comment,
                event=entry,
                ip=IP,
                user_agent=UA,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/comment/delete",
                "comment",
                str(comment.id),
                {"event_id": entry.id},
                absent=("before", "after", "body"),
            )
        ],
    )


def _resolution(w: World, *, resolved: bool) -> Case:
    entry = w.entry()
    root = _comment(w, entry, "root")
    with scope(account=w.account):
        reply = comment_create(
            account=w.account,
            author=w.member,
            event=entry,
            body="reply",
            mention_ids=[],
            parent_id=root.id,
        )
        if not resolved:
            comment_resolve(
                account=w.account, user=w.super_admin, comment=root, event=entry, resolved=True
            )

    def call() -> None:
        with scope(account=w.account):
            comment_resolve(
                account=w.account,
                user=w.member,
                comment=reply,  # a reply resolves (or reopens) its whole thread
                event=entry,
                resolved=resolved,
                ip=IP,
                user_agent=UA,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/comment/" + ("resolve" if resolved else "reopen"),
                "comment",
                str(root.id),
                {"before": {"resolved": not resolved}, "after": {"resolved": resolved}},
            )
        ],
    )


def thread_resolved(w: World) -> Case:
    return _resolution(w, resolved=True)


def thread_reopened(w: World) -> Case:
    return _resolution(w, resolved=False)


def view_created(w: World) -> Case:
    made: list[Any] = []

    def call() -> None:
        with scope(account=w.account):
            made.append(
                savedview_create(
                    account=w.account,
                    owner=w.member,
                    name="Deletions",
                    filters={"action": "delete"},
                    **ORIGIN,
                )
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/saved_view/create",
                "saved_view",
                lambda: str(made[0].id),
                {"filters": {"action": "delete"}},
            )
        ],
    )


def _view(w: World, **fields: Any) -> Any:
    with scopes_disabled():
        return SavedViewFactory(account=w.account, owner=w.member, **fields)


def _view_update(w: World, service: Callable[..., Any], before: Any, after: Any, **kw: Any) -> Any:
    """A saved-view update: `kw` changes one field, from `before` to `after`."""
    view = _view(w, **before)

    def call() -> None:
        with scope(account=w.account):
            service(account=w.account, membership=w.membership(w.member), view=view, **kw, **ORIGIN)

    return Case(
        call,
        [
            Expected(
                w.account,
                "audit_logs/saved_view/update",
                "saved_view",
                str(view.id),
                {"before": before, "after": after},
            )
        ],
    )


def view_filters_saved(w: World) -> Case:
    return _view_update(
        w,
        savedview_save_filters,
        {"filters": {"date": "30d"}},
        {"filters": {"date": "7d"}},
        filters={"date": "7d"},
    )


def view_renamed(w: World) -> Case:
    return _view_update(w, savedview_rename, {"name": "Old"}, {"name": "New"}, name="New")


def view_shared(w: World) -> Case:
    return _view_update(
        w,
        savedview_share,
        {"sharing": Sharing.PRIVATE},
        {"sharing": Sharing.EVERYONE},
        sharing=Sharing.EVERYONE,
    )


def view_deleted(w: World) -> Case:
    view = _view(w, name="Gone soon")

    def call() -> None:
        with scope(account=w.account):
            savedview_delete(
                account=w.account, membership=w.membership(w.member), view=view, **ORIGIN
            )

    return Case(
        call,
        [Expected(w.account, "audit_logs/saved_view/delete", "saved_view", str(view.id))],
    )


def _record(w: World) -> Any:
    with scopes_disabled():
        return RecordFactory(account=w.account, label="Ada's contact")


def record_deleted(w: World) -> Case:
    record = _record(w)

    def call() -> None:
        with scope(account=w.account):
            record_delete(
                account=w.account,
                membership=w.membership(w.super_admin),
                record_id=record.id,
                info=RequestInfo(ip=IP, user_agent=UA),
            )

    return Case(
        call,
        [Expected(w.account, "crm_objects/contact/delete", "contact", str(record.id))],
    )


def record_restored(w: World) -> Case:
    record = _record(w)
    info = RequestInfo(ip=IP, user_agent=UA)
    with scope(account=w.account):
        deletion = record_delete(
            account=w.account,
            membership=w.membership(w.super_admin),
            record_id=record.id,
            info=info,
        )

    def call() -> None:
        with scope(account=w.account):
            record_restore(
                account=w.account,
                membership=w.membership(w.super_admin),
                delete_event_id=deletion.id,
                info=info,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "crm_objects/contact/restore",
                "contact",
                str(record.id),
                {"delete_event_id": deletion.id},
            )
        ],
    )


def _jobs(w: World) -> list[int]:
    with scopes_disabled():
        return list(ExportJob.objects.filter(account=w.account).values_list("id", flat=True))


def export_requested(w: World) -> Case:
    def call() -> None:
        with scope(account=w.account):
            export_request(
                account=w.account,
                membership=w.membership(w.member),
                filters={"date": "30d"},
                view_name="All logs",
                **ORIGIN,
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "security_activity/export/export",
                "audit_log_export",
                lambda: str(_jobs(w)[0]),
                {"view": "All logs", "whole_log": False},
            )
        ],
    )


def employee_access_exported(w: World) -> Case:
    def call() -> None:
        with scope(account=w.account):
            export_employee_access_request(
                account=w.account, membership=w.membership(w.super_admin), **ORIGIN
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "security_activity/export/export",
                "employee_access_export",
                lambda: str(_jobs(w)[0]),
                {"kind": Kind.EMPLOYEE_ACCESS},
            )
        ],
    )


def export_downloaded(w: World) -> Case:
    with scopes_disabled():
        job = ExportJob.objects.create(
            account=w.account,
            requester=w.member,
            status=Status.DONE,
            rows_written=3,
            finished_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(days=7),
        )

    def call() -> None:
        with scope(account=w.account):
            export_download_record(account=w.account, user=w.member, job=job, **ORIGIN)

    return Case(
        call,
        [
            Expected(
                w.account,
                "security_activity/export/download",
                "audit_log_export",
                str(job.id),
                {"downloaded_export_job_id": job.id},
            )
        ],
    )


# Users & teams: every action is a Security activity event about the person or the team.


def _by(w: World) -> Membership:
    return w.membership(w.super_admin)


def _in_scope(w: World, service: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        with scope(account=w.account):
            return service(account=w.account, by=_by(w), **kwargs, **ORIGIN)

    return call


def _invitation(w: World, email: str = "new@example.test") -> Any:
    with scope(account=w.account):
        return people.member_invite(account=w.account, by=_by(w), email=email, role=Role.ADMIN)


def invited(w: World) -> Case:
    made: list[Any] = []

    def call() -> None:
        made.append(_in_scope(w, people.member_invite, email="new@example.test", role=Role.ADMIN)())

    return Case(
        call,
        [
            Expected(
                w.account,
                "security_activity/invitation/send",
                "invitation",
                lambda: str(made[0].id),
                {"email": "new@example.test", "role": Role.ADMIN},
                absent=("resent",),
            )
        ],
    )


def invitation_resent(w: World) -> Case:
    invitation = _invitation(w)
    return Case(
        _in_scope(w, people.invitation_resend, invitation_id=invitation.id),
        [
            Expected(
                w.account,
                "security_activity/invitation/send",
                "invitation",
                str(invitation.id),
                {"email": "new@example.test", "resent": True},
            )
        ],
    )


def invitation_revoked(w: World) -> Case:
    invitation = _invitation(w)
    return Case(
        _in_scope(w, people.invitation_revoke, invitation_id=invitation.id),
        [
            Expected(
                w.account,
                "security_activity/invitation/revoke",
                "invitation",
                str(invitation.id),
                {"email": "new@example.test"},
            )
        ],
    )


def invitation_accepted(w: World) -> Case:
    invitation = _invitation(w)
    joined: list[Any] = []

    def call() -> None:
        with scope(account=w.account):
            joined.append(
                people.invitation_accept(
                    invitation=invitation,
                    person=people.NewPerson(full_name="Nova", password="s3cret-Words!"),
                    **ORIGIN,
                )
            )

    return Case(
        call,
        [
            Expected(
                w.account,
                "security_activity/invitation/accept",
                "invitation",
                str(invitation.id),
                {"invited_by": w.super_admin.email},
            ),
            Expected(
                w.account,
                "security_activity/user/add",
                "user",
                lambda: str(joined[0].user_id),
                {"after": {"role": Role.ADMIN, "audit_log_access": False}},
            ),
        ],
    )


def _member_event(w: World, what: str, person: User, metadata: dict[str, Any]) -> Expected:
    return Expected(w.account, f"security_activity/{what}", "user", str(person.pk), metadata)


def admin_rights_removed(w: World) -> Case:
    with scopes_disabled():
        admin = member_of(w.account, role=Role.ADMIN)
    change = {"before": {"role": Role.ADMIN}, "after": {"role": Role.MEMBER}}
    return Case(
        _in_scope(w, people.member_role_change, user_id=admin.pk, role=Role.MEMBER),
        [_member_event(w, "admin_rights/remove", admin, change)],
    )


def super_admin_added(w: World) -> Case:
    change = {"before": {"role": Role.MEMBER}, "after": {"role": Role.SUPER_ADMIN}}
    return Case(
        _in_scope(w, people.member_role_change, user_id=w.member.pk, role=Role.SUPER_ADMIN),
        [_member_event(w, "super_admin_rights/add", w.member, change)],
    )


def role_unchanged(w: World) -> Case:
    return Case(_in_scope(w, people.member_role_change, user_id=w.member.pk, role=Role.MEMBER), [])


def access_removed(w: World) -> Case:
    change = {"before": {"audit_log_access": True}, "after": {"audit_log_access": False}}
    return Case(
        _in_scope(w, people.member_access_change, user_id=w.member.pk, audit_log_access=False),
        [_member_event(w, "audit_log_access/remove", w.member, change)],
    )


def member_deactivated(w: World) -> Case:
    change = {"before": {"status": "active"}, "after": {"status": "deactivated"}}
    return Case(
        _in_scope(w, people.member_deactivate, user_id=w.member.pk),
        [_member_event(w, "user_status/disable", w.member, change)],
    )


def member_reactivated(w: World) -> Case:
    with scopes_disabled():
        Membership.objects.filter(account=w.account, user=w.member).update(is_active=False)
    change = {"before": {"status": "deactivated"}, "after": {"status": "active"}}
    return Case(
        _in_scope(w, people.member_reactivate, user_id=w.member.pk),
        [_member_event(w, "user_status/enable", w.member, change)],
    )


def member_removed(w: World) -> Case:
    before = {"role": Role.MEMBER, "audit_log_access": True, "status": "active", "teams": []}
    return Case(
        _in_scope(w, people.member_remove, user_id=w.member.pk),
        [_member_event(w, "user/remove", w.member, {"before": before})],
    )


def password_reset_sent(w: World) -> Case:
    sent = {"email_type": "password_reset", "recipient": w.member.email}
    return Case(
        _in_scope(w, people.member_password_reset_send, user_id=w.member.pk),
        [_member_event(w, "manual_email/send", w.member, sent)],
    )


def _team(w: World, name: str = "Ops") -> Any:
    with scopes_disabled():
        return TeamFactory(account=w.account, name=name)


def team_created(w: World) -> Case:
    made: list[Any] = []
    return Case(
        lambda: made.append(_in_scope(w, people.team_create, name="Ops")()),
        [
            Expected(
                w.account,
                "security_activity/team/create",
                "team",
                lambda: str(made[0].id),
                {"after": {"name": "Ops"}},
            )
        ],
    )


def team_renamed(w: World) -> Case:
    team = _team(w)
    return Case(
        _in_scope(w, people.team_rename, team_id=team.id, name="Operations"),
        [
            Expected(
                w.account,
                "security_activity/team/update",
                "team",
                str(team.id),
                {"before": {"name": "Ops"}, "after": {"name": "Operations"}},
            )
        ],
    )


def team_deleted(w: World) -> Case:
    team = _team(w)
    with scopes_disabled():
        TeamMemberFactory(team=team, user=w.member)
    return Case(
        _in_scope(w, people.team_delete, team_id=team.id),
        [
            Expected(
                w.account,
                "security_activity/team/delete",
                "team",
                str(team.id),
                {"before": {"name": "Ops", "members": ["Grace Hopper"]}},
            )
        ],
    )


def team_member_added(w: World) -> Case:
    team = _team(w)
    return Case(
        _in_scope(w, people.team_member_add, team_id=team.id, user_id=w.member.pk),
        [
            Expected(
                w.account,
                "security_activity/team/add",
                "team",
                str(team.id),
                {"member": "Grace Hopper", "member_email": w.member.email},
            )
        ],
    )


def team_member_removed(w: World) -> Case:
    team = _team(w)
    with scopes_disabled():
        TeamMemberFactory(team=team, user=w.member)
    return Case(
        _in_scope(w, people.team_member_remove, team_id=team.id, user_id=w.member.pk),
        [
            Expected(
                w.account,
                "security_activity/team/remove",
                "team",
                str(team.id),
                {"member": "Grace Hopper", "member_email": w.member.email},
            )
        ],
    )


def _two_factor_on(w: World) -> tuple[str, list[str]]:
    key = security.totp_key_new()
    return key, security.two_factor_enable(user=w.member, key=key, code=code_of(key))


def _user_event(w: World, what: str, metadata: dict[str, Any], *accounts: Account) -> list:
    return [
        Expected(a, what, "user", str(w.member.pk), metadata) for a in (accounts or (w.account,))
    ]


def two_factor_enabled(w: World) -> Case:
    with scopes_disabled():
        MembershipFactory(account=w.other_account, user=w.member)
    key = security.totp_key_new()
    return Case(
        lambda: security.two_factor_enable(user=w.member, key=key, code=code_of(key), **ORIGIN),
        _user_event(
            w,
            "security_activity/two_factor/enable",
            {"method": "authenticator_app"},
            w.account,
            w.other_account,
        ),
    )


def two_factor_disabled(w: World) -> Case:
    _key, codes = _two_factor_on(w)
    return Case(
        lambda: security.two_factor_disable(user=w.member, code=codes[0], **ORIGIN),
        _user_event(w, "security_activity/two_factor/disable", {"method": "backup_code"}),
    )


def _sign_in_request() -> Any:
    request = RequestFactory().post("/login/two-factor/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    request.session = SessionStore()
    return request


def signed_in_with_a_code(w: World) -> Case:
    _key, codes = _two_factor_on(w)
    request = _sign_in_request()
    backend = "django.contrib.auth.backends.ModelBackend"
    return Case(
        lambda: security.sign_in_finish(
            request=request, user=w.member, backend=backend, code=codes[1]
        ),
        [Expected(w.account, "login/login_succeeded/login", "", "", {"two_factor": "backup_code"})],
    )


def sign_in_code_refused(w: World) -> Case:
    _two_factor_on(w)
    request = _sign_in_request()
    backend = "django.contrib.auth.backends.ModelBackend"
    return Case(
        lambda: security.sign_in_finish(
            request=request, user=w.member, backend=backend, code="zzzzz-zzzzz"
        ),
        [
            Expected(
                w.account,
                "login/login_failed/login",
                "",
                "",
                {"reason": "wrong code", "two_factor": "backup_code"},
            )
        ],
    )


def password_reset_sent_by_email(w: World) -> Case:
    message = EmailMessage("Reset", "Open the link", to=[w.member.email])
    return Case(
        lambda: security.password_reset_send(user=w.member, message=message, **ORIGIN),
        _user_event(w, "security_activity/password_reset/send", {"recipient": w.member.email}),
    )


def password_reset_finished(w: World) -> Case:
    return Case(
        lambda: security.password_reset_finish(
            user=w.member, password="a-much-longer-passphrase-7", **ORIGIN
        ),
        _user_event(w, "security_activity/password_reset/update", {}),
    )


def _login_settings(w: World, what: str, before: Any, after: Any) -> list[Expected]:
    return [
        Expected(
            w.account,
            what,
            "login_settings",
            str(w.account.pk),
            {"before": before, "after": after},
        )
    ]


def two_factor_required(w: World) -> Case:
    return Case(
        lambda: security.two_factor_requirement_update(
            account=w.account, membership=w.membership(w.super_admin), required=True, **ORIGIN
        ),
        _login_settings(
            w,
            "security_activity/two_factor/update",
            {"two_factor_required": False},
            {"two_factor_required": True},
        ),
    )


def two_factor_requirement_unchanged(w: World) -> Case:
    return Case(
        lambda: security.two_factor_requirement_update(
            account=w.account, membership=w.membership(w.super_admin), required=False, **ORIGIN
        ),
        [],
    )


def session_timeout_set(w: World) -> Case:
    return Case(
        lambda: security.session_timeout_update(
            account=w.account, membership=w.membership(w.super_admin), minutes=480, **ORIGIN
        ),
        _login_settings(
            w,
            "security_activity/login_settings/update",
            {"session_timeout": "none"},
            {"session_timeout": "480"},
        ),
    )


def session_timeout_unchanged(w: World) -> Case:
    return Case(
        lambda: security.session_timeout_update(
            account=w.account, membership=w.membership(w.super_admin), minutes=None, **ORIGIN
        ),
        [],
    )


SCENARIOS: list[tuple[str, Callable[[World], Case]]] = [
    ("administration.services.user_preferences_update", preferences_changed),
    ("administration.services.user_preferences_update", preferences_unchanged),
    ("auditlog.services.log_view_record", log_viewed),
    ("console.alerts.alert_setting_update", alerts_changed),
    ("console.alerts.alert_setting_update", alerts_unchanged),
    ("console.comments.comment_create", comment_written),
    ("console.comments.comment_edit", comment_edited),
    ("console.comments.comment_delete", comment_deleted),
    ("console.comments.comment_resolve", thread_resolved),
    ("console.comments.comment_resolve", thread_reopened),
    ("console.saved_views.savedview_create", view_created),
    ("console.saved_views.savedview_save_filters", view_filters_saved),
    ("console.saved_views.savedview_rename", view_renamed),
    ("console.saved_views.savedview_share", view_shared),
    ("console.saved_views.savedview_delete", view_deleted),
    ("crm.services.record_delete", record_deleted),
    ("crm.services.record_restore", record_restored),
    ("exports.services.export_request", export_requested),
    ("exports.services.export_employee_access_request", employee_access_exported),
    ("exports.services.export_download_record", export_downloaded),
    ("administration.people.member_invite", invited),
    ("administration.people.invitation_resend", invitation_resent),
    ("administration.people.invitation_revoke", invitation_revoked),
    ("administration.people.invitation_accept", invitation_accepted),
    ("administration.people.member_role_change", admin_rights_removed),
    ("administration.people.member_role_change", super_admin_added),
    ("administration.people.member_role_change", role_unchanged),
    ("administration.people.member_access_change", access_removed),
    ("administration.people.member_deactivate", member_deactivated),
    ("administration.people.member_reactivate", member_reactivated),
    ("administration.people.member_remove", member_removed),
    ("administration.people.member_password_reset_send", password_reset_sent),
    ("administration.people.team_create", team_created),
    ("administration.people.team_rename", team_renamed),
    ("administration.people.team_delete", team_deleted),
    ("administration.people.team_member_add", team_member_added),
    ("administration.people.team_member_remove", team_member_removed),
    ("administration.security.two_factor_enable", two_factor_enabled),
    ("administration.security.two_factor_disable", two_factor_disabled),
    ("administration.security.sign_in_finish", signed_in_with_a_code),
    ("administration.security.sign_in_finish", sign_in_code_refused),
    ("administration.security.password_reset_send", password_reset_sent_by_email),
    ("administration.security.password_reset_finish", password_reset_finished),
    ("administration.security.two_factor_requirement_update", two_factor_required),
    ("administration.security.two_factor_requirement_update", two_factor_requirement_unchanged),
    ("administration.security.session_timeout_update", session_timeout_set),
    ("administration.security.session_timeout_update", session_timeout_unchanged),
]


# Tests ---------------------------------------------------------------------------------------


def test_every_public_service_has_a_scenario_or_a_reason():
    found = set(public_services())
    with_scenario = {name for name, _scenario in SCENARIOS}
    missing = sorted(found - with_scenario - set(NOT_RECORDED))
    assert missing == [], f"add a scenario to SCENARIOS, or a reason to NOT_RECORDED: {missing}"
    stale = sorted((with_scenario | set(NOT_RECORDED)) - found)
    assert stale == [], f"rows naming no public service (renamed or removed?): {stale}"
    assert sorted(with_scenario & set(NOT_RECORDED)) == [], "a service is in both tables"
    assert all(reason.strip() for reason in NOT_RECORDED.values())


def test_discovery_finds_the_service_modules():
    modules = service_modules()
    for expected in ("administration.services", "crm.services", "exports.services"):
        assert expected in modules
    assert "console.comments.comment_resolve" in set(public_services())


@pytest.fixture
def world(account, other_account, super_admin, member, record_event) -> World:
    return World(account, other_account, super_admin, member, record_event)


def _last_event_id() -> int:
    with scopes_disabled():
        last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


@pytest.mark.parametrize(
    ("service", "scenario"), SCENARIOS, ids=[scenario.__name__ for _name, scenario in SCENARIOS]
)
def test_service_records_exactly_its_events(service, scenario, world):
    case = scenario(world)
    mark = _last_event_id()

    case.call()

    with scopes_disabled():
        recorded = list(Event.objects.filter(id__gt=mark).order_by("account_id", "id"))
    expected = sorted(case.expected, key=lambda e: e.account.pk)
    assert [
        (e.account_id, f"{e.category}/{e.subcategory}/{e.action}", e.object_type, e.object_id)
        for e in recorded
    ] == [
        (
            x.account.pk,
            x.what,
            x.object_type,
            x.object_id() if callable(x.object_id) else x.object_id,
        )
        for x in expected
    ], service
    for event, want in zip(recorded, expected, strict=True):
        assert {key: event.metadata.get(key) for key in want.metadata} == want.metadata
        assert [key for key in want.absent if key in event.metadata] == []
        assert event.ip_address == want.ip
        assert event.user_agent == UA
