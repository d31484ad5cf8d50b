"""Comments tab of the detail panel (SPEC S5): list, thread, write, edit, delete, resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.errors import Refused
from accounts.http import AccountRequest
from accounts.permissions import audit_log_access_required
from auditlog.http import event_or_404, request_context
from auditlog.models import Event
from console.comments import (
    CommentError,
    comment_create,
    comment_delete,
    comment_edit,
    comment_get,
    comment_resolve,
    decode_mentions,
    mention_names,
    mention_search,
    mentioned_ids,
    threads_of,
)
from console.models import Comment

STATUSES = ("open", "all", "resolved")


def _comment_or_404(request: AccountRequest, event: Event, comment_id: int) -> Comment:
    comment = comment_get(account=request.account, event_id=event.id, comment_id=comment_id)
    if comment is None:
        raise Http404(_("This comment does not exist."))
    return comment


def comments_context(
    request: AccountRequest,
    event: Event,
    *,
    status: str | None = None,
    thread_id: int | None = None,
    highlight: int | None = None,
    error: str = "",
    draft: str = "",
    refusal: str = "",
) -> dict:
    """Everything the Comments tab renders, for the panel and for its own partial updates;
    `error` belongs to the text being written, `refusal` to an action on a comment."""
    status = status if status in STATUSES else "open"
    threads = threads_of(account=request.account, event_id=event.id, status="all")
    if highlight and not thread_id:
        for t in threads:
            if highlight == t.root.id or any(r.id == highlight for r in t.replies):
                thread_id = t.root.id if t.replies else None
                if t.root.resolved_at and status == "open":
                    status = "all"
    thread = next((t for t in threads if t.root.id == thread_id), None) if thread_id else None
    shown = [
        t for t in threads if status == "all" or (status == "open") == (t.root.resolved_at is None)
    ]
    return {
        "event": event,
        "threads": shown,
        "thread": thread,
        "comment_status": status,
        "comment_total": sum(
            1 for t in threads for c in (t.root, *t.replies) if c.deleted_at is None
        ),
        "comment_open": sum(1 for t in threads if not t.root.resolved_at and not t.root.deleted_at),
        "highlight": highlight,
        "comment_error": error,
        "comment_refusal": refusal,
        "draft": draft,
        "statuses": [
            ("open", _("Open comments")),
            ("all", _("All comments")),
            ("resolved", _("Resolved comments")),
        ],
    }


def _render(request: AccountRequest, context: dict, status: int = 200) -> HttpResponse:
    if not request.htmx:
        # Without script: back to the entry's page, on the comments tab, with the message.
        for message in (context.get("comment_refusal"), context.get("comment_error")):
            if message:
                messages.error(request, message)
        url = reverse("console:event_detail", args=[request.account.pk, context["event"].id])
        query = f"?tab=comments&status={context['comment_status']}"
        if context.get("thread"):
            query += f"&thread={context['thread'].root.id}"
        return HttpResponseRedirect(url + query)
    response = TemplateResponse(
        request, "console/event_detail.html#comments", context, status=status
    )
    if status == 403:
        # htmx swaps no 403 (base.html's config); console.js swaps a refusal that names its
        # swap, in place of the whole tab whichever element asked, so the panel shows why.
        reswap(retarget(response, f"#comments-{context['event'].id}"), "outerHTML")
    return response


def _int(value: str | None) -> int | None:
    # ASCII only: "²" counts as a digit to str.isdigit() but not to int().
    return int(value) if value and value.isascii() and value.isdigit() else None


def _mention_ids(request: AccountRequest) -> list[int]:
    return [n for n in map(_int, request.POST.getlist("mention")) if n is not None]


@login_required
@audit_log_access_required
@require_http_methods(["GET", "POST"])
def comments(request: AccountRequest, account_id: int, event_id: int) -> HttpResponse:
    event = event_or_404(request, event_id)
    source = request.POST if request.method == "POST" else request.GET
    status = source.get("status", "open")
    thread_id = _int(source.get("thread"))
    if request.method == "GET":
        return _render(
            request, comments_context(request, event, status=status, thread_id=thread_id)
        )
    try:
        origin = request_context(request)
        comment = comment_create(
            account=request.account,
            author=request.user,
            event=event,
            body=request.POST.get("body", ""),
            mention_ids=_mention_ids(request),
            parent_id=thread_id,
            ip=origin.ip,
            user_agent=origin.user_agent,
        )
    except CommentError as exc:
        context = comments_context(
            request,
            event,
            status=status,
            thread_id=thread_id,
            error=str(exc),
            draft=request.POST.get("body", ""),
        )
        return _render(request, context, status=400)
    return _render(
        request,
        comments_context(request, event, status=status, thread_id=thread_id, highlight=comment.id),
    )


@login_required
@audit_log_access_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(
    request: AccountRequest, account_id: int, event_id: int, comment_id: int
) -> HttpResponse:
    event = event_or_404(request, event_id)
    comment = _comment_or_404(request, event, comment_id)
    if comment.author_id != request.user.pk:
        return _render(
            request,
            comments_context(
                request,
                event,
                thread_id=comment.parent_id,
                refusal=_("Only the author can edit a comment."),
            ),
            status=403,
        )
    error = ""
    if request.method == "POST":
        try:
            origin = request_context(request)
            comment_edit(
                account=request.account,
                user=request.user,
                comment=comment,
                event=event,
                body=request.POST.get("body", ""),
                mention_ids=_mention_ids(request),
                ip=origin.ip,
                user_agent=origin.user_agent,
            )
        except (CommentError, Refused) as exc:
            error = str(exc)
        else:
            return _render(
                request,
                comments_context(request, event, thread_id=comment.parent_id, highlight=comment.id),
            )
    names = mention_names(account=request.account, user_ids=mentioned_ids(comment.body))
    response = TemplateResponse(
        request,
        "console/event_detail.html#comment-edit",
        {
            "event": event,
            "comment": comment,
            "text": request.POST.get("body") or decode_mentions(comment.body, names),
            "comment_error": error,
        },
        status=400 if error else 200,
    )
    if error:
        # The form posts to the whole Comments tab; a refused edit replaces only the form.
        reswap(retarget(response, f"#comment-{comment.id}"), "outerHTML")
    return response


@login_required
@audit_log_access_required
@require_POST
def comment_delete_view(
    request: AccountRequest, account_id: int, event_id: int, comment_id: int
) -> HttpResponse:
    event = event_or_404(request, event_id)
    comment = _comment_or_404(request, event, comment_id)
    try:
        origin = request_context(request)
        comment_delete(
            account=request.account,
            membership=request.membership,
            comment=comment,
            event=event,
            ip=origin.ip,
            user_agent=origin.user_agent,
        )
    except Refused as exc:
        return _render(
            request,
            comments_context(request, event, thread_id=comment.parent_id, refusal=str(exc)),
            status=403,
        )
    return _render(request, comments_context(request, event, thread_id=comment.parent_id))


@login_required
@audit_log_access_required
@require_POST
def comment_resolve_view(
    request: AccountRequest, account_id: int, event_id: int, comment_id: int
) -> HttpResponse:
    event = event_or_404(request, event_id)
    comment = _comment_or_404(request, event, comment_id)
    resolved = request.POST.get("resolved", "1") == "1"
    origin = request_context(request)
    root = comment_resolve(
        account=request.account,
        user=request.user,
        comment=comment,
        event=event,
        resolved=resolved,
        ip=origin.ip,
        user_agent=origin.user_agent,
    )
    return _render(
        request,
        comments_context(
            request,
            event,
            status=request.POST.get("status", "open"),
            thread_id=_int(request.POST.get("thread")),
            highlight=root.id,
        ),
    )


@login_required
@audit_log_access_required
@require_GET
def mention_options(request: AccountRequest, account_id: int) -> TemplateResponse:
    """Colleagues who can see the audit log, for the @ picker."""
    users = mention_search(account=request.account, query=request.GET.get("q", "")[:100])
    return TemplateResponse(request, "console/mention_options.html", {"users": users})
