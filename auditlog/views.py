from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse

from accounts.entitlements import entitlements_for
from accounts.permissions import audit_log_access_required
from auditlog.selectors import events_recent


@login_required
@audit_log_access_required
def event_list(request: HttpRequest, account_id: int) -> TemplateResponse:
    account = request.account
    entitlements = entitlements_for(account=account)
    events = events_recent(account=account, entitlements=entitlements)
    return TemplateResponse(
        request,
        "auditlog/event_list.html",
        {"events": events, "entitlements": entitlements},
    )
