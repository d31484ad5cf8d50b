"""The Audit Logs page: views as tabs, filters in the URL, keyset pages, the detail panel."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.entitlements import Capability, entitlements_for
from accounts.errors import Refused
from accounts.http import AccountRequest, AccountView, P, UserRequest
from accounts.links import local_path, redirect_to
from accounts.permissions import audit_log_access_required
from accounts.selectors import memberships_of
from auditlog import catalog
from auditlog.actions import page_actions, panel_actions_for
from auditlog.filters import (
    actor_search,
    custom_range_swapped,
    event_filter,
    filters_describe,
    filters_describe_many,
    has_filter_params,
    normalize_filters,
)
from auditlog.http import request_context
from auditlog.pagination import DEFAULT_PAGE_SIZE, PAGE_SIZES, Cursor, bounded_count, keyset_page
from auditlog.selectors import event_get
from auditlog.services import log_view_record
from console.comment_views import comments_context
from console.comments import with_open_thread_counts
from console.forms import SavedViewForm, SharingForm
from console.models import SavedView, Sharing
from console.saved_views import (
    DEFAULT_VIEWS,
    DefaultView,
    ViewNameError,
    can_change,
    log_url,
    savedview_create,
    savedview_delete,
    savedview_rename,
    savedview_save_filters,
    savedview_share,
    savedviews_tabs,
    savedviews_visible,
    view_find,
    view_key,
    view_resolve,
)
from console.verification import verification_state

LAST_LOG_VIEW_KEY = "console:last_log_view"


def _guard(view: AccountView[P]) -> AccountView[P]:
    return login_required(audit_log_access_required(view))


def _page_size(request: AccountRequest) -> int:
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


@_guard
@require_GET
def event_list(request: AccountRequest, account_id: int) -> TemplateResponse:
    account, membership = request.account, request.membership
    entitlements = entitlements_for(account=account)
    # Notes about the link itself (a view, a page or an entry it names that is gone), apart from
    # the filters the page ignored.
    notices: list[str] = []
    found = view_find(account=account, user=request.user, key=request.GET.get("view"))
    if found is None:
        notices.append(
            _("This view no longer exists or is private to its owner; showing All logs instead.")
        )
    current = found or DEFAULT_VIEWS[0]
    saved_filters = normalize_filters(current.filters)
    # The filters see exactly the state the page shows: one value per key (a repeated key in a
    # hand-made URL would otherwise filter on one value while the form shows another) and no
    # custom dates unless the range is custom.
    state = normalize_filters(request.GET) if has_filter_params(request.GET) else saved_filters
    dates_swapped = has_filter_params(request.GET) and custom_range_swapped(request.GET)
    if dates_swapped:
        notices.append(_("The range ended before it started, so its dates were swapped."))
    filterset = event_filter(
        account=account, filters=state, entitlements=entitlements, for_list=True
    )
    queryset = filterset.qs

    notes = filterset.ignored()
    after = before = None
    if request.GET.get("after"):
        after = Cursor.decode(request.GET["after"])
    if request.GET.get("before"):
        before = Cursor.decode(request.GET["before"])
    if (request.GET.get("after") and after is None) or (request.GET.get("before") and not before):
        notices.append(_("The page link was not valid; showing the newest events."))
    size = _page_size(request)
    page = keyset_page(
        with_open_thread_counts(queryset, account=account), after=after, before=before, size=size
    )
    count, capped = bounded_count(queryset)

    key = view_key(current)
    if after is None and before is None:
        _record_log_view(request, current, state)

    views = savedviews_tabs(account=account, user=request.user)
    opened = request.GET.get("open", "")
    panel = None
    if opened.isascii() and opened.isdigit():
        comment = request.GET.get("comment", "")
        panel = panel_context(
            request,
            int(opened),
            highlight=int(comment) if comment.isascii() and comment.isdigit() else None,
        )
        if panel is None:
            notices.append(_("The linked event does not exist or is not visible to you."))
    base = {"view": key, **{k: v for k, v in state.items()}}
    undated = {k: v for k, v in state.items() if k not in ("date", "start", "end")}
    context = {
        "nav": "audit",
        "entitlements": entitlements,
        "filterset": filterset,
        "state": state,
        "current_view": current,
        "current_key": key,
        "default_views": DEFAULT_VIEWS,
        "saved_views": views,
        "dirty": state != saved_filters,
        "can_change_view": can_change(view=current, membership=membership),
        "reset_url": log_url(account.pk, key, saved_filters),
        "any_time_url": log_url(account.pk, key, undated) if state.get("date") else None,
        # Rows link to <prefix><id>/: one reverse() for the page instead of one per row.
        "event_url_prefix": reverse(
            "console:event_detail", kwargs={"account_id": account.pk, "event_id": 0}
        ).removesuffix("0/"),
        "row_back_query": urlencode({"back": log_url(account.pk, key, state, size=size)}),
        # Opening a row puts ?open=<event> in the address, so a copied link opens the panel too.
        "open_url_base": log_url(
            account.pk,
            key,
            state,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            size=size,
        )
        + "&open=",
        "verification_state": verification_state(account=account, membership=membership),
        "page": page,
        "panel": panel,
        "page_size": size,
        "page_sizes": PAGE_SIZES,
        "count": count,
        "count_capped": capped,
        "notes": notes,
        "notices": notices,
        "dates_swapped": dates_swapped,
        # A page past the end of the log (an old or altered link) leads back to the newest page.
        "newest_url": log_url(account.pk, key, state, size=size) if page.past_end else None,
        "past_newest": page.past_end and before is not None,
        "older_url": log_url(account.pk, key, state, after=page.older.encode(), size=size)
        if page.older
        else None,
        "newer_url": log_url(account.pk, key, state, before=page.newer.encode(), size=size)
        if page.newer
        else None,
        "categories": catalog.categories_for(entitlements),
        "selected_category": catalog.CATEGORY_INDEX.get(filterset.cleaned().get("category") or ""),
        # The Action list offers what the chosen category and subcategory record.
        "actions": catalog.actions_for(
            filterset.cleaned().get("category") or "", filterset.cleaned().get("subcategory") or ""
        ),
        "actor_chips": sorted(filterset.actor_names.items(), key=lambda item: item[1]),
        "state_query": urlencode(base, doseq=True),
        "page_actions": page_actions(),
        "view_urls": {v.key: log_url(account.pk, v.key, v.filters) for v in DEFAULT_VIEWS}
        | {str(v.id): log_url(account.pk, str(v.id), v.filters) for v in views},
    }
    template = "console/event_list.html"
    if request.htmx and request.htmx.target == "log-results":
        template += "#results"
    return TemplateResponse(request, template, context)


@_guard
@require_GET
def actor_options(request: AccountRequest, account_id: int) -> TemplateResponse:
    """Search-as-you-type over the account's users and teams for "Changed by"."""
    results = actor_search(account=request.account, query=request.GET.get("q", "")[:100])
    return TemplateResponse(request, "console/actor_options.html", {"results": results})


def panel_context(
    request: AccountRequest, event_id: int, *, highlight: int | None = None
) -> dict[str, Any] | None:
    """What the detail panel shows for one event, or None when the event is not visible."""
    account = request.account
    entitlements = entitlements_for(account=account)
    event = event_get(account=account, entitlements=entitlements, event_id=event_id)
    if event is None:
        return None
    tab = "comments" if highlight or request.GET.get("tab") == "comments" else "summary"
    thread = request.GET.get("thread", "")
    return {
        "event": event,
        "panel_actions": panel_actions_for(event),
        "active_tab": tab,
        "metadata_allowed": entitlements.allows(Capability.DETAIL_METADATA),
        "metadata_reason": entitlements.reason(Capability.DETAIL_METADATA),
        **comments_context(
            request,
            event,
            status=request.GET.get("status"),
            thread_id=int(thread) if thread.isascii() and thread.isdigit() else None,
            highlight=highlight,
        ),
    }


@_guard
@require_GET
def event_detail(request: AccountRequest, account_id: int, event_id: int) -> TemplateResponse:
    """The detail panel (htmx) or the same content as a page of its own."""
    context = panel_context(request, event_id)
    if context is None:
        raise Http404(_("This event does not exist."))
    back = request.GET.get("back", "")
    context |= {
        "nav": "audit",
        "in_panel": bool(request.htmx),
        "back_url": local_path(back) or reverse("console:events", args=[account_id]),
    }
    template = "console/event_detail.html"
    if request.htmx:
        template += "#panel"
    return TemplateResponse(request, template, context)


# Saved views -------------------------------------------------------------------------------


def _current_filters(request: AccountRequest) -> dict[str, Any]:
    return _applied_filters(request, request.POST)


def _applied_filters(request: AccountRequest, source: Any) -> dict[str, Any]:
    """The filters as the page applied them: a value it ignored (with a note) is not saved."""
    filters = normalize_filters(source)
    filterset = event_filter(account=request.account, filters=filters, for_list=True)
    return {key: value for key, value in filters.items() if key not in filterset.errors}


def _view_or_404(request: AccountRequest, view_id: int) -> SavedView:
    view = view_resolve(account=request.account, user=request.user, key=str(view_id))
    assert isinstance(view, SavedView)
    return view


def _changeable(
    change: Callable[[AccountRequest, int, SavedView], HttpResponse],
) -> Callable[[AccountRequest, int, int], HttpResponse]:
    """Only whoever may change a view reaches the page that changes it; anyone else who sees it
    goes back with the reason."""

    @functools.wraps(change)
    def page(request: AccountRequest, account_id: int, view_id: int) -> HttpResponse:
        view = _view_or_404(request, view_id)
        if not can_change(view=view, membership=request.membership):
            return _not_yours(request, view)
        return change(request, account_id, view)

    return page


def _next_hidden(request: AccountRequest) -> list[tuple[str, str]]:
    return [("next", request.GET.get("next") or request.POST.get("next", ""))]


def _form_page(request: AccountRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = "console/view_form.html"
    if request.htmx:
        template += "#dialog"
    return TemplateResponse(request, template, {"nav": "audit", **context}, status=status)


@_guard
@require_http_methods(["GET", "POST"])
def view_create(request: AccountRequest, account_id: int) -> HttpResponse:
    """Save the current filters as a new view (also "Clone view")."""
    source = request.POST if request.method == "POST" else request.GET
    filters = _applied_filters(request, source)
    clone_of = source.get("clone_of", "")
    initial_name = source.get("name") or (
        _("Copy of %(name)s")
        % {"name": view_resolve(account=request.account, user=request.user, key=clone_of).name}
        if clone_of
        else ""
    )
    form = SavedViewForm(request.POST or None, initial={"name": initial_name})
    if request.method == "POST" and form.is_valid():
        try:
            context = request_context(request)
            view = savedview_create(
                account=request.account,
                owner=request.user,
                name=form.cleaned_data["name"],
                filters=filters,
                sharing=form.cleaned_data["sharing"],
                ip=context.ip,
                user_agent=context.user_agent,
                url=context.url,
            )
        except ViewNameError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect_to(request, log_url(account_id, str(view.id), view.filters))
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Clone view") if clone_of else _("Save as new view"),
            "action": reverse("console:view_create", args=[account_id]),
            "hidden": [
                (k, v) for k, vs in filters.items() for v in (vs if isinstance(vs, list) else [vs])
            ]
            + ([("clone_of", clone_of)] if clone_of else []),
            "submit": _("Save view"),
            "summary": filters_describe(account=request.account, filters=filters),
            "cancel_url": log_url(account_id, clone_of or "all", filters),
        },
        status=400 if request.method == "POST" else 200,
    )


@_guard
@require_POST
def view_save(request: AccountRequest, account_id: int, view_id: int) -> HttpResponse:
    """Store the current filters in an existing view."""
    view = _view_or_404(request, view_id)
    try:
        context = request_context(request)
        savedview_save_filters(
            account=request.account,
            membership=request.membership,
            view=view,
            filters=_current_filters(request),
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect_to(request, log_url(account_id, str(view.id), _current_filters(request)))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect_to(request, log_url(account_id, str(view.id), view.filters))


@_guard
@require_http_methods(["GET", "POST"])
@_changeable
def view_rename(request: AccountRequest, account_id: int, view: SavedView) -> HttpResponse:
    form = SavedViewForm(request.POST or None, initial={"name": view.name}, with_sharing=False)
    if request.method == "POST" and form.is_valid():
        try:
            context = request_context(request)
            savedview_rename(
                account=request.account,
                membership=request.membership,
                view=view,
                name=form.cleaned_data["name"],
                ip=context.ip,
                user_agent=context.user_agent,
                url=context.url,
            )
        except ViewNameError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("View renamed."))
            return redirect_to(request, _back(request, view))
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Rename view"),
            "action": reverse("console:view_rename", args=[account_id, view.id]),
            "hidden": _next_hidden(request),
            "submit": _("Rename"),
            "cancel_url": _back(request, view),
        },
        status=400 if request.method == "POST" else 200,
    )


@_guard
@require_http_methods(["GET", "POST"])
@_changeable
def view_share(request: AccountRequest, account_id: int, view: SavedView) -> HttpResponse:
    form = SharingForm(request.POST or None, initial={"sharing": view.sharing})
    if request.method == "POST" and form.is_valid():
        context = request_context(request)
        savedview_share(
            account=request.account,
            membership=request.membership,
            view=view,
            sharing=form.cleaned_data["sharing"],
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        messages.success(request, _("Sharing updated."))
        return redirect_to(request, _back(request, view))
    return _form_page(
        request,
        {
            "form": form,
            "title": _("Manage sharing"),
            "action": reverse("console:view_share", args=[account_id, view.id]),
            "hidden": _next_hidden(request),
            "submit": _("Save"),
            "cancel_url": _back(request, view),
        },
    )


@_guard
@require_http_methods(["GET", "POST"])
@_changeable
def view_delete(request: AccountRequest, account_id: int, view: SavedView) -> HttpResponse:
    if request.method == "POST":
        context = request_context(request)
        savedview_delete(
            account=request.account,
            membership=request.membership,
            view=view,
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
        next_url = request.POST.get("next", "")
        return redirect_to(request, local_path(next_url) or log_url(account_id, "all", {}))
    return _form_page(
        request,
        {
            "title": _("Delete view"),
            "confirm": _("Delete the view “%(name)s”? People it is shared with lose it too.")
            % {"name": view.name},
            "action": reverse("console:view_delete", args=[account_id, view.id]),
            "hidden": [("next", request.GET.get("next", ""))],
            "submit": _("Delete"),
            "danger": True,
            "cancel_url": _back(request, view),
        },
    )


@_guard
@require_GET
def views_manage(request: AccountRequest, account_id: int) -> TemplateResponse:
    """Every view the person can see, with owner and sharing, to manage and create."""
    views = list(savedviews_visible(account=request.account, user=request.user))
    summaries = filters_describe_many(account=request.account, filters=[v.filters for v in views])
    rows = [
        {
            "view": v,
            "url": log_url(account_id, str(v.id), v.filters),
            "can_change": can_change(view=v, membership=request.membership),
            "summary": summary,
        }
        for v, summary in zip(views, summaries, strict=True)
    ]
    return TemplateResponse(
        request,
        "console/views_manage.html",
        {
            "nav": "audit",
            "default_views": [
                (
                    v,
                    log_url(account_id, v.key, v.filters),
                    filters_describe(account=request.account, filters=v.filters),
                )
                for v in DEFAULT_VIEWS
            ],
            "rows": rows,
            "sharing_everyone": Sharing.EVERYONE,
        },
    )


def _record_log_view(
    request: AccountRequest, view: DefaultView | SavedView, state: dict[str, Any]
) -> None:
    """Self-audit: one event per distinct view and filters a person opens, not one per page."""
    key = view_key(view)
    fingerprint = json.dumps([request.account.pk, key, state], sort_keys=True)
    if request.session.get(LAST_LOG_VIEW_KEY) == fingerprint:
        return
    context = request_context(request)
    log_view_record(
        account=request.account,
        user=request.user,
        view_key=key,
        view_name=_stored_name(view),
        filters=state,
        ip=context.ip,
        user_agent=context.user_agent,
        url=context.url,
    )
    request.session[LAST_LOG_VIEW_KEY] = fingerprint


def _stored_name(view: DefaultView | SavedView) -> str:
    # Stored data is not translated per viewer: a default view is kept by its English name.
    if isinstance(view, DefaultView):
        with translation.override("en"):
            return str(view.name)
    return view.name


def _back(request: AccountRequest, view: SavedView | DefaultView) -> str:
    next_url = request.POST.get("next") or request.GET.get("next")
    return local_path(next_url) or log_url(request.account.pk, view_key(view), view.filters)


def _not_yours(request: AccountRequest, view: SavedView) -> HttpResponse:
    messages.error(request, _("Only the owner of this view can change it."))
    return redirect(_back(request, view))


@login_required
def home(request: UserRequest) -> HttpResponse:
    """The signed-in landing: the person's accounts; one account goes straight to its log."""
    memberships = memberships_of(user=request.user)
    if len(memberships) == 1 and request.GET.get("choose") is None:
        return redirect("console:events", account_id=memberships[0].account_id)
    return render(request, "console/home.html", {"memberships": memberships})
