"""CRM record pages ("Show more info"), deleting a record, and restoring from the log (S6)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.entitlements import RULES, Capability, entitlements_for
from accounts.errors import DomainError
from accounts.http import AccountRequest
from accounts.links import redirect_to
from accounts.models import Account
from accounts.permissions import audit_log_access_required
from auditlog.http import event_or_404, request_context
from auditlog.models import Event
from auditlog.pagination import Cursor, keyset_page
from crm.models import ObjectType
from crm.selectors import (
    associations_of,
    record_get,
    record_last_restore,
    record_timeline,
    records_of,
)
from crm.services import (
    RequestInfo,
    RestoreRefused,
    record_delete,
    record_restore,
    restore_deadline,
    restore_state,
)

TIMELINE_PAGE = 20
LIST_PAGE = 100


def _info(request: AccountRequest) -> RequestInfo:
    context = request_context(request)
    return RequestInfo(ip=context.ip, user_agent=context.user_agent)


@login_required
@require_GET
def record_list(request: AccountRequest, account_id: int) -> TemplateResponse:
    object_type = request.GET.get("type", "")
    if object_type not in ObjectType.values:
        object_type = ""
    state = request.GET.get("state", "")
    deleted = {"deleted": True, "active": False}.get(state)
    query = request.GET.get("q", "").strip()[:100]
    below = request.GET.get("below", "")
    records = list(
        records_of(
            account=request.account,
            object_type=object_type,
            deleted=deleted,
            query=query,
            below_id=int(below) if below.isdigit() else None,
        )[: LIST_PAGE + 1]
    )
    more = len(records) > LIST_PAGE
    records = records[:LIST_PAGE]
    params = {"type": object_type, "state": state, "q": query}
    next_url = (
        "?" + urlencode({**{k: v for k, v in params.items() if v}, "below": records[-1].id})
        if more
        else None
    )
    first_url = "?" + urlencode({k: v for k, v in params.items() if v}) if below else None
    return TemplateResponse(
        request,
        "crm/record_list.html",
        {
            "nav": "crm",
            "records": records,
            "object_types": ObjectType.choices,
            "object_type": object_type,
            "state": state,
            "query": query,
            "next_url": next_url,
            "first_url": first_url,
        },
    )


@login_required
@require_GET
def record_detail(request: AccountRequest, account_id: int, record_id: int) -> TemplateResponse:
    """A record with its properties, associations, deleted state and audit timeline."""
    account = request.account
    record = record_get(account=account, record_id=record_id)
    if record is None:
        raise Http404(_("This record does not exist or was permanently deleted."))
    timeline = None
    restored = None
    can_see_log = request.membership.has_audit_log_access
    entitlements = entitlements_for(account=account)
    if can_see_log:
        after = Cursor.decode(request.GET["after"]) if request.GET.get("after") else None
        before = Cursor.decode(request.GET["before"]) if request.GET.get("before") else None
        timeline = keyset_page(
            record_timeline(account=account, entitlements=entitlements, record=record),
            after=after,
            before=before,
            size=TIMELINE_PAGE,
        )
    if record.deleted_at is None:
        restored = record_last_restore(account=account, record=record)
    return TemplateResponse(
        request,
        "crm/record_detail.html",
        {
            "nav": "crm",
            "record": record,
            "associations": associations_of(account=account, record=record),
            "timeline": timeline,
            "restored": restored,
            "can_see_log": can_see_log,
            "restore_deadline": restore_deadline(record),
            **_restore_plan(account),
            "can_delete": request.membership.is_super_admin and record.deleted_at is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_delete_view(request: AccountRequest, account_id: int, record_id: int) -> HttpResponse:
    record = record_get(account=request.account, record_id=record_id)
    if record is None:
        raise Http404(_("This record does not exist."))
    if not request.membership.is_super_admin:
        raise PermissionDenied(_("Only super admins can delete records here."))
    if request.method == "POST":
        try:
            record_delete(
                account=request.account,
                membership=request.membership,
                record_id=record.id,
                info=_info(request),
            )
        except RestoreRefused as exc:
            messages.error(request, str(exc))
        else:
            deleted = (
                _("%(type)s “%(label)s” deleted. It can be restored for 90 days.")
                if _restore_plan(request.account)["restore_on_plan"]
                else _("%(type)s “%(label)s” deleted. It is permanently removed after 90 days.")
            )
            messages.success(request, deleted % {"type": record.type_label, "label": record.label})
        return HttpResponseRedirect(reverse("crm:record", args=[account_id, record.id]))
    if record.deleted_at is not None:
        messages.info(request, _("This record is already deleted."))
        return HttpResponseRedirect(reverse("crm:record", args=[account_id, record.id]))
    template = "crm/record_delete.html" + ("#dialog" if request.htmx else "")
    return TemplateResponse(
        request, template, {"nav": "crm", "record": record, **_restore_plan(request.account)}
    )


def _restore_plan(account: Account) -> dict[str, object]:
    """Whether the account's tier restores deleted records, and which tier does: pages about a
    deletion promise a restore only where there is one."""
    return {
        "restore_on_plan": entitlements_for(account=account).allows(Capability.RESTORE_RECORDS),
        "restore_tier": RULES[Capability.RESTORE_RECORDS].tier.label,
    }


@login_required
@audit_log_access_required
@require_GET
def restore_panel(request: AccountRequest, account_id: int, event_id: int) -> TemplateResponse:
    """The Restore part of a Delete event's detail panel (loaded into the log's panel)."""
    event = event_or_404(request, event_id)
    state = restore_state(
        account=request.account, membership=request.membership, delete_event=event
    )
    return TemplateResponse(request, "crm/restore_panel.html", {"event": event, "state": state})


@login_required
@audit_log_access_required
@require_http_methods(["GET", "POST"])
def restore(request: AccountRequest, account_id: int, event_id: int) -> HttpResponse:
    """Confirm (GET) and restore (POST) the record a CRM Delete event removed."""
    event = event_or_404(request, event_id)
    state = restore_state(
        account=request.account, membership=request.membership, delete_event=event
    )
    if request.method == "POST":
        try:
            record_restore(
                account=request.account,
                membership=request.membership,
                delete_event_id=event.id,
                info=_info(request),
            )
        except DomainError as exc:  # by rule, role or tier: say why, nothing changed
            if request.htmx:
                # Refused (restored meanwhile, past 90 days…): say why in the dialog itself.
                return _restore_dialog(request, event, error=str(exc))
            messages.error(request, str(exc))
            target = reverse("console:event_detail", args=[account_id, event.id])
        else:
            record = state.record
            assert record is not None  # record_restore has just restored it
            messages.success(
                request,
                _("%(type)s “%(label)s” restored.")
                % {"type": record.type_label, "label": record.label},
            )
            target = reverse("crm:record", args=[account_id, record.id])
        return redirect_to(request, target)
    return _restore_dialog(request, event)


def _restore_dialog(request: AccountRequest, event: Event, *, error: str = "") -> TemplateResponse:
    state = restore_state(
        account=request.account, membership=request.membership, delete_event=event
    )
    template = "crm/restore_confirm.html" + ("#dialog" if request.htmx else "")
    return TemplateResponse(
        request,
        template,
        {
            "nav": "audit",
            "event": event,
            "state": state,
            "error": error,
            "associations": associations_of(account=request.account, record=state.record)
            if state.record
            else [],
        },
    )
