from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AccountRequest
from accounts.links import local_path, referer_path
from notifications.selectors import notifications_of
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
)


@login_required
@require_GET
def notification_list(request: AccountRequest, account_id: int) -> TemplateResponse:
    """The notification centre: newest first; the bell's dropdown renders the first few."""
    compact = request.htmx and request.GET.get("compact")
    items = notifications_of(
        account=request.account, user=request.user, limit=8 if compact else 100
    )
    template = "notifications/list.html" + ("#menu" if compact else "")
    context = {
        "items": items,
        "unread": any(item.read_at is None for item in items),
        "nav": "notifications",
    }
    return TemplateResponse(request, template, context)


def _back(request: AccountRequest, account_id: int) -> HttpResponseRedirect:
    """Back to the page the person came from (this site only), else the notification centre."""
    target = local_path(request.POST.get("next")) or referer_path(
        request.META.get("HTTP_REFERER"), host=request.get_host()
    )
    return HttpResponseRedirect(target or reverse("notifications:list", args=[account_id]))


@login_required
@require_POST
def notification_read(
    request: AccountRequest, account_id: int, notification_id: int
) -> HttpResponse:
    """Mark one notification read without following its link."""
    found = notification_mark_read(
        account=request.account, user=request.user, notification_id=notification_id
    )
    if not found:
        raise Http404(_("This notification does not exist."))
    return _back(request, account_id)


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(
    request: AccountRequest, account_id: int, notification_id: int
) -> HttpResponse:
    """Mark the notification read and follow its link."""
    found = notification_mark_read(
        account=request.account, user=request.user, notification_id=notification_id
    )
    if not found:
        raise Http404(_("This notification does not exist."))
    from notifications.models import Notification

    target = (
        Notification.objects.filter(
            account=request.account, recipient=request.user, id=notification_id
        )
        .values_list("url", flat=True)
        .first()
    )
    return HttpResponseRedirect(
        local_path(target) or reverse("notifications:list", args=[account_id])
    )


@login_required
@require_POST
def notification_read_all(request: AccountRequest, account_id: int) -> HttpResponse:
    count = notifications_mark_all_read(account=request.account, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return _back(request, account_id)
