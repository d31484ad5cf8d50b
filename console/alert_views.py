"""Notifications → Audit logs: a super admin's audit-log alert choices for one account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.http import AccountRequest
from accounts.permissions import super_admin_required
from auditlog.http import request_context
from console.alerts import alert_setting_for, alert_setting_update
from console.forms import AlertSettingsForm


@login_required
@super_admin_required(reason=gettext_lazy("Only super admins can set up audit-log alerts."))
@require_http_methods(["GET", "POST"])
def alert_settings(request: AccountRequest, account_id: int) -> TemplateResponse | HttpResponse:
    """Notifications → Audit logs: a super admin's alert choices for this account."""
    setting = alert_setting_for(account=request.account, user=request.user)
    form = AlertSettingsForm(
        request.POST or None,
        initial={
            "multiple_exports": setting.multiple_exports,
            "multiple_exports_threshold": setting.multiple_exports_threshold,
            "removed_admin_rights": setting.removed_admin_rights,
        },
    )
    if request.method == "POST" and form.is_valid():
        context = request_context(request)
        alert_setting_update(
            account=request.account,
            user=request.user,
            **form.cleaned_data,
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        messages.success(request, _("Audit-log alerts saved."))
        return HttpResponseRedirect(reverse("alert_settings", args=[account_id]))
    return TemplateResponse(
        request,
        "console/alert_settings.html",
        {"form": form, "nav": "alerts"},
        status=400 if request.method == "POST" else 200,
    )
