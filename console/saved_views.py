"""Views of the audit log: the three default views and saved views (SPEC S3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from accounts.errors import DomainError, NotFound, Refused
from accounts.models import Account, Membership, User
from auditlog.filters import normalize_filters
from auditlog.services import Actor, EventInput, event_record
from console.models import SavedView, Sharing


@dataclass(frozen=True)
class DefaultView:
    key: str
    name: Promise
    filters: dict[str, Any]
    is_default: bool = True


DEFAULT_VIEWS: tuple[DefaultView, ...] = (
    DefaultView("all", gettext_lazy("All logs"), {"date": "30d"}),
    DefaultView("login", gettext_lazy("Login history"), {"category": "login", "date": "30d"}),
    DefaultView(
        "security",
        gettext_lazy("Security activity"),
        {"category": "security_activity", "date": "30d"},
    ),
)
DEFAULT_VIEW_INDEX = {v.key: v for v in DEFAULT_VIEWS}


class ViewNameError(DomainError, ValueError):
    """A view name that is empty, taken, or the name of a default view."""


# Selectors ---------------------------------------------------------------------------------


def savedviews_visible(*, account: Account, user: User) -> QuerySet[SavedView]:
    """The person's own views and those shared with everyone in the account."""
    return (
        SavedView.objects.filter(account=account)
        .filter(Q(owner=user) | Q(sharing=Sharing.EVERYONE))
        .select_related("owner")
        .order_by("name", "id")
    )


TABS_TTL_S = 3600


def _tabs_key(account_id: int, user_id: int) -> str:
    return f"savedviews:tabs:{account_id}:{user_id}"


def savedviews_tabs(*, account: Account, user: User) -> list[SavedView]:
    """The saved views on the person's Audit Logs tabs (their own and those shared with
    everyone), cached until a view of the account changes: every page of the log shows them."""
    key = _tabs_key(account.pk, user.pk)
    views = cache.get(key)
    if views is None:
        # Without the owner: the tabs show names, and a cached user would carry its password hash.
        views = list(savedviews_visible(account=account, user=user).select_related(None))
        cache.set(key, views, timeout=TABS_TTL_S)
    return views


@receiver([post_save, post_delete], sender=SavedView, dispatch_uid="savedview-tabs-forget")
def _tabs_forget(sender: type[SavedView], instance: SavedView, **kwargs: Any) -> None:
    """A view changed: forget the tabs of everyone in the account (it may be shared)."""
    account_id = instance.account_id

    def forget() -> None:
        with scopes_disabled():  # runs after commit too, outside any request's scope
            user_ids = list(
                Membership.objects.filter(account_id=account_id).values_list("user_id", flat=True)
            )
        cache.delete_many([_tabs_key(account_id, user_id) for user_id in user_ids])

    forget()
    # Again after commit: a page rendered meanwhile may have cached the old list.
    transaction.on_commit(forget)


def view_resolve(*, account: Account, user: User, key: str | None) -> DefaultView | SavedView:
    """The view named in the URL: a default view's key or a visible saved view's id, else 404."""
    view = view_find(account=account, user=user, key=key)
    if view is None:
        raise Http404("no such view")
    return view


def view_find(*, account: Account, user: User, key: str | None) -> DefaultView | SavedView | None:
    """The view named in the URL (All logs when none is named), or None when it is not one the
    person can see: deleted, another person's private view, or another account's."""
    if not key:
        return DEFAULT_VIEWS[0]
    if key in DEFAULT_VIEW_INDEX:
        return DEFAULT_VIEW_INDEX[key]
    if not (key.isascii() and key.isdigit()) or len(key) > 18:
        return None
    return savedviews_visible(account=account, user=user).filter(id=int(key)).first()


def view_key(view: DefaultView | SavedView) -> str:
    return view.key if isinstance(view, DefaultView) else str(view.id)


def log_url(account_id: int, view_key_: str, filters: dict[str, Any], **extra: Any) -> str:
    """The Audit Logs URL that reproduces a view with filters (the URL is the state)."""
    params: list[tuple[str, Any]] = [("view", view_key_)]
    for key, value in filters.items():
        for item in value if isinstance(value, list) else [value]:
            params.append((key, item))
    if not filters:
        params.append(("date", ""))  # "any time" must still count as filter state
    params += [(k, v) for k, v in extra.items() if v not in (None, "")]
    return f"{reverse('console:events', kwargs={'account_id': account_id})}?{urlencode(params)}"


def can_change(*, view: DefaultView | SavedView, membership: Membership) -> bool:
    """The owner changes a view; a super admin also changes views shared with everyone."""
    if isinstance(view, DefaultView):
        return False
    if view.owner_id == membership.user_id:
        return True
    return membership.is_super_admin and view.sharing == Sharing.EVERYONE


# Services ----------------------------------------------------------------------------------


def _clean_name(*, account: Account, owner: User, name: str, exclude_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ViewNameError(_("Enter a name for the view."))
    if len(name) > 80:
        raise ViewNameError(_("Use at most 80 characters."))
    if name.casefold() in {str(v.name).casefold() for v in DEFAULT_VIEWS}:
        raise ViewNameError(_("A default view already has this name."))
    taken = SavedView.objects.filter(account=account, owner=owner, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(id=exclude_id)
    if taken.exists():
        raise ViewNameError(_("You already have a view with this name."))
    return name


def _record(
    *,
    account: Account,
    actor: User,
    action: str,
    view: SavedView,
    ip: str | None,
    user_agent: str,
    url: str,
    **metadata: Any,
) -> None:
    event_record(
        account=account,
        entry=EventInput(
            category="audit_logs",
            subcategory="saved_view",
            action=action,
            actor=Actor.of_user(actor),
            object_type="saved_view",
            object_id=str(view.id),
            object_label=view.name,
            url=url,
            ip=ip,
            user_agent=user_agent,
            metadata=metadata,
        ),
    )


def _field_update(
    *, account: Account, membership: Membership, view: SavedView, field: str, value: Any,
    ip: str | None, user_agent: str, url: str,
) -> SavedView:  # fmt: skip
    """Store one field of a view with its value before and after; the same value is no change
    and records nothing."""
    before = getattr(view, field)
    if value == before:
        return view
    setattr(view, field, value)
    view.save(update_fields=[field, "updated_at"])
    _record(
        account=account,
        actor=membership.user,
        action="update",
        view=view,
        ip=ip,
        user_agent=user_agent,
        url=url,
        before={field: before},
        after={field: value},
    )
    return view


def _require_change(*, account: Account, view: SavedView, membership: Membership) -> None:
    if view.account_id != account.pk or membership.account_id != account.pk:
        raise NotFound(_("This view does not exist."))
    if not can_change(view=view, membership=membership):
        # Seen but not changeable: only its owner (or a super admin, if shared) may change it.
        raise Refused(_("Only the owner of this view can change it."))


@transaction.atomic
def savedview_create(
    *,
    account: Account,
    owner: User,
    name: str,
    filters: dict[str, Any],
    sharing: str = Sharing.PRIVATE,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> SavedView:
    """Save a new view (Save as / Clone); names are unique per owner and never a default's."""
    clean = _clean_name(account=account, owner=owner, name=name)
    if sharing not in Sharing.values:
        raise ValueError(f"unknown sharing {sharing!r}")
    try:
        with transaction.atomic():
            view = SavedView.objects.create(
                account=account,
                owner=owner,
                name=clean,
                sharing=sharing,
                filters=normalize_filters(filters),
            )
    except IntegrityError as exc:  # a concurrent save of the same name
        raise ViewNameError(_("You already have a view with this name.")) from exc
    _record(
        account=account,
        actor=owner,
        action="create",
        view=view,
        ip=ip,
        user_agent=user_agent,
        url=url,
        filters=view.filters,
    )
    return view


@transaction.atomic
def savedview_save_filters(
    *,
    account: Account,
    membership: Membership,
    view: SavedView,
    filters: dict[str, Any],
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> SavedView:
    """Store the current filters in the view."""
    _require_change(account=account, view=view, membership=membership)
    return _field_update(
        account=account,
        membership=membership,
        view=view,
        field="filters",
        value=normalize_filters(filters),
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def savedview_rename(
    *,
    account: Account,
    membership: Membership,
    view: SavedView,
    name: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> SavedView:
    _require_change(account=account, view=view, membership=membership)
    return _field_update(
        account=account,
        membership=membership,
        view=view,
        field="name",
        value=_clean_name(account=account, owner=view.owner, name=name, exclude_id=view.id),
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def savedview_share(
    *,
    account: Account,
    membership: Membership,
    view: SavedView,
    sharing: str,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> SavedView:
    _require_change(account=account, view=view, membership=membership)
    if sharing not in Sharing.values:
        raise ValueError(f"unknown sharing {sharing!r}")
    return _field_update(
        account=account,
        membership=membership,
        view=view,
        field="sharing",
        value=sharing,
        ip=ip,
        user_agent=user_agent,
        url=url,
    )


@transaction.atomic
def savedview_delete(
    *,
    account: Account,
    membership: Membership,
    view: SavedView,
    ip: str | None = None,
    user_agent: str = "",
    url: str = "",
) -> None:
    _require_change(account=account, view=view, membership=membership)
    _record(
        account=account,
        actor=membership.user,
        action="delete",
        view=view,
        ip=ip,
        user_agent=user_agent,
        url=url,
        filters=view.filters,
    )
    view.delete()
