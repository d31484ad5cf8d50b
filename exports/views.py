"""Export pages: the Export report dialog, my exports (with live progress), and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AccountRequest, AccountView, P
from accounts.links import redirect_to
from accounts.permissions import audit_log_access_required
from auditlog.filters import normalize_filters
from auditlog.http import request_context
from console.saved_views import log_url, view_key, view_resolve
from exports.models import ExportJob, Status
from exports.selectors import (
    ExportRefused,
    export_download_allowed,
    export_get,
    export_plan,
    export_summaries,
    exports_of,
)
from exports.services import download_name, export_download_record, export_request
from exports.writers import audit_log_columns


def _guard(view: AccountView[P]) -> AccountView[P]:
    return login_required(audit_log_access_required(view))


@_guard
@require_http_methods(["GET", "POST"])
def export_dialog(request: AccountRequest, account_id: int) -> HttpResponse:
    """What "Export report" will export (view, filters in words, dates, about how many rows,
    columns, format), and **Export** to confirm it."""
    account, membership = request.account, request.membership
    source = request.POST if request.method == "POST" else request.GET
    view = view_resolve(account=account, user=request.user, key=source.get("view") or None)
    key = view_key(view)
    filters = normalize_filters(source)
    back = log_url(account.pk, key, filters)
    whole_log = source.get("scope") == "all"
    refused: ExportRefused | None = None
    if request.method == "POST":
        client = request_context(request)
        try:
            export_request(
                account=account,
                membership=membership,
                filters=filters,
                view_name=str(view.name),
                whole_log=whole_log,
                ip=client.ip,
                user_agent=client.user_agent,
                url=back,
            )
        except ExportRefused as exc:
            refused = exc
        else:
            messages.success(
                request,
                _("Export requested. We will email you and notify you here when it is ready."),
            )
            return redirect_to(request, reverse("exports:list", args=[account_id]))
    plan = whole = None
    try:
        plan = export_plan(
            account=account, membership=membership, filters=filters, view_name=str(view.name)
        )
    except ExportRefused as exc:
        refused = refused or exc
    whole = export_plan(
        account=account, membership=membership, filters={}, view_name=str(view.name),
        whole_log=True,
    )  # fmt: skip
    context = {
        "nav": "audit",
        "view": view,
        "view_key": key,
        "filters": filters,
        "hidden": [
            (k, v) for k, vs in filters.items() for v in (vs if isinstance(vs, list) else [vs])
        ],
        "plan": plan,
        "whole": whole,
        "whole_log": whole_log or plan is None,
        "refused": refused,
        "columns": [c.label for c in audit_log_columns()],
        "action": reverse("exports:dialog", args=[account_id]),
        "back_url": back,
    }
    template = "exports/export_dialog.html" + ("#dialog" if request.htmx else "")
    status = 400 if refused and request.method == "POST" else 200
    return TemplateResponse(request, template, context, status=status)


@_guard
@require_GET
def export_list(request: AccountRequest, account_id: int) -> TemplateResponse:
    """My exports: status, rows, size, expiry and download; polled while any is running."""
    jobs = exports_of(account=request.account, user=request.user)
    summaries = export_summaries(account=request.account, jobs=jobs)
    context = {
        "nav": "exports",
        "jobs": jobs,
        "rows": list(zip(jobs, summaries, strict=True)),
        "active": any(job.is_active for job in jobs),
        "list_url": reverse("exports:list", args=[account_id]),
    }
    template = "exports/export_list.html" + ("#jobs" if request.htmx else "")
    return TemplateResponse(request, template, context)


def _unavailable(request: AccountRequest, job: ExportJob, status: int) -> TemplateResponse:
    return TemplateResponse(
        request,
        "exports/unavailable.html",
        {"nav": "exports", "job": job, "gone": status == 410},
        status=status,
    )


@_guard
@require_GET
def export_download(request: AccountRequest, account_id: int, job_id: int) -> HttpResponseBase:
    """The export's file, for the requester or a member allowed to see its audit event; each
    download is checked again and recorded, and an expired file is gone (410)."""
    job = export_get(account=request.account, job_id=job_id)
    if job is None or not export_download_allowed(job=job, membership=request.membership):
        raise Http404(_("This export does not exist."))
    if job.status == Status.EXPIRED or job.is_expired:
        return _unavailable(request, job, 410)
    if job.status != Status.DONE or not job.file:
        return _unavailable(request, job, 409)
    try:
        handle = default_storage.open(job.file.name, "rb")
    except FileNotFoundError:
        return _unavailable(request, job, 410)
    context = request_context(request)
    export_download_record(
        account=request.account,
        user=request.user,
        job=job,
        ip=context.ip,
        user_agent=context.user_agent,
        url=context.url,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(job),
        content_type="application/gzip" if job.gzipped else "text/csv; charset=utf-8",
    )
