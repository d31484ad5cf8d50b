"""The Audit Logs page's verification strip (SPEC S12): "Verified through …", and a super
admin's verification job with its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AccountRequest
from accounts.links import redirect_to
from accounts.permissions import audit_log_access_required, super_admin_required
from auditlog.http import request_context
from console.verification import verification_start, verification_state

TEMPLATE = "console/_verification.html"


def verification_context(request: AccountRequest) -> dict[str, object]:
    """What the strip needs, for the page and for its own refreshes."""
    state = verification_state(account=request.account, membership=request.membership)
    return {"verification_state": state, "current_account": request.account}


@login_required
@audit_log_access_required
@require_GET
def verification_status(request: AccountRequest, account_id: int) -> TemplateResponse:
    """The strip alone: htmx polls it while a job runs; without htmx it is a small page."""
    return TemplateResponse(request, TEMPLATE, verification_context(request))


@login_required
@super_admin_required(reason=gettext_lazy("Only super admins can verify the audit log."))
@require_POST
def verification_start_view(
    request: AccountRequest, account_id: int
) -> TemplateResponse | HttpResponse:
    """Start a verification job (or show the one already running)."""
    context = request_context(request)
    verification_start(
        account=request.account,
        membership=request.membership,
        ip=context.ip,
        user_agent=context.user_agent,
        url=context.url,
    )
    if request.htmx:
        return TemplateResponse(request, TEMPLATE, verification_context(request))
    messages.success(request, _("Verification started. This page shows its progress."))
    return redirect_to(request, reverse("console:events", kwargs={"account_id": account_id}))
