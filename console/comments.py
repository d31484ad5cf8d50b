"""Comments on log entries: threads, @mentions that notify, edit / delete, resolve (SPEC S5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.errors import DomainError, NotFound, Refused
from accounts.models import Account, Membership, Role, User
from auditlog import catalog
from auditlog.models import Event
from auditlog.services import Actor, EventInput, event_record
from console.models import Comment, CommentMention
from notifications.models import Kind
from notifications.services import Draft, notifications_create

MAX_LENGTH = 5000
# A longer comment shows its first lines and folds the rest behind "Show more".
FOLD_AFTER_CHARS = 600
FOLD_AFTER_LINES = 8
SHOWN_CHARS = 400
SHOWN_LINES = 5
MARKER = re.compile(r"@\{u:(\d{1,18})\}")
# A marker typed by hand is text, not a mention: a word joiner after "@" keeps it from parsing
# (and from naming, or notifying, someone the author never picked) while it looks the same.
TYPED_MARKER = re.compile(r"@(?=\{u:\d)")


class CommentError(DomainError, ValueError):
    """A comment that cannot be written; the message is for the person."""


# Mentions ----------------------------------------------------------------------------------


def mentionable_members(*, account: Account) -> QuerySet[Membership]:
    """Colleagues who can be tagged: active members of the account with audit-log access."""
    return (
        Membership.objects.filter(account=account, is_active=True)
        .filter(Q(role=Role.SUPER_ADMIN) | Q(audit_log_access=True))
        .select_related("user")
    )


def mention_search(*, account: Account, query: str, limit: int = 8) -> list[User]:
    members = mentionable_members(account=account)
    # PostgreSQL text cannot hold NUL, not even to compare with.
    query = query.replace("\x00", "").strip()
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    return [m.user for m in members.order_by("user__full_name")[:limit]]


def encode_mentions(*, account: Account, text: str, mention_ids: list[int]) -> str:
    """Turn "@Full Name" of picked colleagues into markers; names outside the account stay text."""
    text = TYPED_MARKER.sub("@\u2060", text)
    allowed = {
        m.user_id: m.user
        for m in mentionable_members(account=account).filter(user_id__in=mention_ids)
    }
    # Longest names first, so "@Ada Lovelace" wins over "@Ada".
    for user in sorted(allowed.values(), key=lambda u: -len(u.full_name or u.email)):
        for name in {user.full_name, user.email} - {""}:
            text = re.sub(r"@" + re.escape(name) + r"(?![\w.-])", f"@{{u:{user.pk}}}", text)
    return text


def mentioned_ids(body: str) -> set[int]:
    return {int(match) for match in MARKER.findall(body)}


def decode_mentions(body: str, names: dict[int, str]) -> str:
    """The body for editing: markers back to "@Full Name"."""
    return MARKER.sub(lambda m: "@" + names.get(int(m.group(1)), _("unknown")), body)


def render_body(body: str, names: dict[int, str]) -> SafeString:
    """HTML for display: text escaped, line breaks kept, mentions highlighted by current name."""
    parts: list[str] = []
    last = 0
    for match in MARKER.finditer(body):
        parts.append(escape(body[last : match.start()]))
        name = names.get(int(match.group(1)), _("unknown"))
        parts.append(f'<span class="mention">@{escape(name)}</span>')
        last = match.end()
    parts.append(escape(body[last:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # every piece escaped above


@dataclass(frozen=True)
class FoldedBody:
    """A comment's text as HTML: what is always shown, and the rest behind "Show more" (empty
    for a short comment)."""

    shown: SafeString
    folded: SafeString

    def __str__(self) -> str:
        return self.shown + (mark_safe("<br>") + self.folded if self.folded else "")


def render_folded(body: str, names: dict[int, str]) -> FoldedBody:
    """HTML for display, a long text folded after its first lines (never inside a mention)."""
    if len(body) <= FOLD_AFTER_CHARS and body.count("\n") < FOLD_AFTER_LINES:
        return FoldedBody(render_body(body, names), mark_safe(""))
    window = body[:SHOWN_CHARS]
    line_ends = [i for i, char in enumerate(window) if char == "\n"]
    if len(line_ends) >= SHOWN_LINES:
        cut = line_ends[SHOWN_LINES - 1]
    else:
        space = max(window.rfind(" "), window.rfind("\n"))
        cut = space if space > SHOWN_CHARS // 2 else SHOWN_CHARS
    for match in MARKER.finditer(body):
        if match.start() < cut < match.end():
            cut = match.start()
    return FoldedBody(
        render_body(body[:cut].rstrip(), names), render_body(body[cut:].lstrip(), names)
    )


def _validate_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise CommentError(_("Write something first."))
    if "\x00" in body:
        # PostgreSQL cannot store it; dropping it silently would save other text than was sent.
        raise CommentError(_("The text contains a null character, which cannot be saved."))
    if len(body) > MAX_LENGTH:
        raise CommentError(
            _("Keep comments to %(max)s characters or fewer; this one has %(count)s.")
            % {
                "max": number_format(MAX_LENGTH, force_grouping=True),
                "count": number_format(len(body), force_grouping=True),
            }
        )
    return body


def _notify_new_mentions(
    *, account: Account, comment: Comment, event: Event, author: User, names: dict[int, str]
) -> None:
    """Notify the people tagged in the comment for the first time, in a fixed number of queries
    whatever their number (`names` are the body's mentions, resolved once by the caller)."""
    candidates = mentioned_ids(comment.body) - {author.pk}
    if not candidates:
        return
    already = set(
        CommentMention.objects.filter(account=account, comment_id=comment.id).values_list(
            "user_id", flat=True
        )
    )
    # Only colleagues who may read the log now: nobody outside the account, nobody without access.
    users = [
        m.user
        for m in mentionable_members(account=account)
        .filter(user_id__in=candidates - already)
        .order_by("user_id")
    ]
    if not users:
        return
    CommentMention.objects.bulk_create(
        [CommentMention(account=account, comment_id=comment.id, user=user) for user in users]
    )
    link = comment_permalink(account_id=account.pk, event_id=event.id, comment_id=comment.id)
    drafts = []
    for user in users:
        with translation.override(user.language or account.default_language):
            drafts.append(
                Draft(
                    recipient=user,
                    title=_("%(author)s tagged you in a comment")
                    % {"author": author.full_name or author.email},
                    body=decode_mentions(comment.body, names)[:500],
                    url=link,
                )
            )
    notifications_create(account=account, kind=Kind.MENTION, drafts=drafts)


def mention_names(*, account: Account, user_ids: set[int]) -> dict[int, str]:
    """Current names of the people mentioned; only members of the account ever resolve."""
    if not user_ids:
        return {}
    members = Membership.objects.filter(account=account, user_id__in=user_ids).select_related(
        "user"
    )
    return {m.user_id: m.user.full_name or m.user.email for m in members}


def _names(account: Account, body: str) -> dict[int, str]:
    return mention_names(account=account, user_ids=mentioned_ids(body))


def comment_permalink(*, account_id: int, event_id: int, comment_id: int) -> str:
    """Opens the Audit Logs page with the entry's panel and the comment in view."""
    base = reverse("console:events", args=[account_id])
    return f"{base}?open={event_id}&comment={comment_id}#comment-{comment_id}"


# Services ----------------------------------------------------------------------------------


def _subject(event: Event) -> str:
    """What the commented entry is about, for the comment event's label."""
    if event.object_label:
        return event.object_label
    # Stored data is not translated per viewer: the entry's kind is kept by its English name.
    with translation.override("en"):
        return catalog.label_of("subcategory", event.subcategory)


def _record(
    *,
    account: Account,
    actor: User,
    action: str,
    comment: Comment,
    event: Event,
    ip: str | None,
    user_agent: str,
    **metadata: object,
) -> None:
    event_record(
        account=account,
        entry=EventInput(
            category="audit_logs",
            subcategory="comment",
            action=action,
            actor=Actor.of_user(actor),
            object_type="comment",
            object_id=str(comment.id),
            object_label=_subject(event),
            url=comment_permalink(account_id=account.pk, event_id=event.id, comment_id=comment.id),
            ip=ip,
            user_agent=user_agent,
            metadata={
                "event_id": event.id,
                "thread_id": comment.parent_id or comment.id,
                **metadata,
            },
        ),
    )


def _require_in_account(*, account: Account, comment: Comment, event: Event) -> None:
    # Another account's comment, or a comment of another entry, reads as absent.
    if (comment.account_id, comment.event_id) != (account.pk, event.id) or (
        event.account_id != account.pk
    ):
        raise NotFound(_("This comment does not exist."))


@transaction.atomic
def comment_create(
    *,
    account: Account,
    author: User,
    event: Event,
    body: str,
    mention_ids: list[int],
    parent_id: int | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Comment:
    """Comment on a log entry (or reply in a thread) and notify newly tagged colleagues."""
    if event.account_id != account.pk:
        raise NotFound(_("This event does not exist."))
    text = _validate_body(body)
    if parent_id is not None:
        parent = Comment.objects.filter(account=account, id=parent_id, event_id=event.id).first()
        if parent is None or parent.deleted_at is not None:
            raise CommentError(_("The comment you replied to was deleted."))
        parent_id = parent.parent_id or parent.id  # threads are one level deep
    comment = Comment.objects.create(
        account=account,
        event_id=event.id,
        parent_id=parent_id,
        author=author,
        body=encode_mentions(account=account, text=text, mention_ids=mention_ids),
    )
    _notify_new_mentions(
        account=account,
        comment=comment,
        event=event,
        author=author,
        names=_names(account, comment.body),
    )
    # The text itself lives in the thread; the log notes that it was written.
    _record(
        account=account,
        actor=author,
        action="create",
        comment=comment,
        event=event,
        ip=ip,
        user_agent=user_agent,
    )
    return comment


@transaction.atomic
def comment_edit(
    *,
    account: Account,
    user: User,
    comment: Comment,
    event: Event,
    body: str,
    mention_ids: list[int],
    ip: str | None = None,
    user_agent: str = "",
) -> Comment:
    """The author edits their comment; only colleagues tagged for the first time are notified."""
    _require_in_account(account=account, comment=comment, event=event)
    if comment.author_id != user.pk:
        raise Refused(_("Only the author can edit a comment."))
    if comment.deleted_at is not None:
        raise CommentError(_("This comment was deleted."))
    text = _validate_body(body)
    before = comment.body
    # Keep earlier mentions even when the picker was not used again while editing.
    keep = mentioned_ids(before)
    after = encode_mentions(account=account, text=text, mention_ids=[*mention_ids, *keep])
    if after == before:
        return comment  # nothing changed: not an edit
    comment.body = after
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    names = mention_names(account=account, user_ids=mentioned_ids(before) | mentioned_ids(after))
    _notify_new_mentions(account=account, comment=comment, event=event, author=user, names=names)
    _record(
        account=account,
        actor=user,
        action="update",
        comment=comment,
        event=event,
        ip=ip,
        user_agent=user_agent,
        before={"body": decode_mentions(before, names)},
        after={"body": decode_mentions(after, names)},
    )
    return comment


@transaction.atomic
def comment_delete(
    *,
    account: Account,
    membership: Membership,
    comment: Comment,
    event: Event,
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    """The author, or a super admin, deletes a comment; its thread stays readable."""
    _require_in_account(account=account, comment=comment, event=event)
    if membership.account_id != account.pk:
        raise NotFound(_("This comment does not exist."))
    if comment.author_id != membership.user_id and not membership.is_super_admin:
        raise Refused(_("Only the author or a super admin can delete a comment."))
    if comment.deleted_at is not None:
        return
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    # That it was deleted, not what it said: a deleted text does not live on in the log.
    _record(
        account=account,
        actor=membership.user,
        action="delete",
        comment=comment,
        event=event,
        ip=ip,
        user_agent=user_agent,
    )


@transaction.atomic
def comment_resolve(
    *,
    account: Account,
    user: User,
    comment: Comment,
    event: Event,
    resolved: bool,
    ip: str | None = None,
    user_agent: str = "",
) -> Comment:
    """Resolve (or reopen) a thread; replies follow their first comment."""
    _require_in_account(account=account, comment=comment, event=event)
    root_id = comment.parent_id or comment.id
    root = Comment.objects.select_for_update().filter(account=account, id=root_id).first()
    if root is None:
        raise NotFound(_("This comment does not exist."))
    if (root.resolved_at is not None) == resolved:
        return root  # already so: nothing to change or record
    root.resolved_at = timezone.now() if resolved else None
    root.resolved_by = user if resolved else None
    root.save(update_fields=["resolved_at", "resolved_by"])
    _record(
        account=account,
        actor=user,
        action="resolve" if resolved else "reopen",
        comment=root,
        event=event,
        ip=ip,
        user_agent=user_agent,
        before={"resolved": not resolved},
        after={"resolved": resolved},
    )
    return root


# Selectors ---------------------------------------------------------------------------------


@dataclass
class Thread:
    root: Comment
    replies: list[Comment]
    html: dict[int, FoldedBody]


def comment_get(*, account: Account, event_id: int, comment_id: int) -> Comment | None:
    return (
        Comment.objects.filter(account=account, event_id=event_id, id=comment_id)
        .select_related("author", "resolved_by")
        .first()
    )


def threads_of(*, account: Account, event_id: int, status: str = "open") -> list[Thread]:
    """The entry's threads, oldest first, filtered Open / All / Resolved by their first comment."""
    comments = list(
        Comment.objects.filter(account=account, event_id=event_id)
        .select_related("author", "resolved_by")
        .order_by("created_at", "id")
    )
    ids = set().union(*(mentioned_ids(c.body) for c in comments)) if comments else set()
    names = mention_names(account=account, user_ids=ids)
    roots = [c for c in comments if c.parent_id is None]
    if status == "open":
        roots = [c for c in roots if c.resolved_at is None]
    elif status == "resolved":
        roots = [c for c in roots if c.resolved_at is not None]
    html = {c.id: render_folded(c.body, names) for c in comments}
    return [
        Thread(root=r, replies=[c for c in comments if c.parent_id == r.id], html=html)
        for r in roots
    ]


def with_open_thread_counts(queryset: QuerySet[Event], *, account: Account) -> QuerySet[Event]:
    """Events annotated with `open_threads`: their open (unresolved, not deleted) threads, for
    the table's indicator, counted inside the page's own query."""
    threads = (
        Comment.objects.filter(
            account=account,
            event_id=OuterRef("id"),
            parent_id__isnull=True,
            resolved_at__isnull=True,
            deleted_at__isnull=True,
        )
        .order_by()
        .values("event_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(open_threads=Coalesce(Subquery(threads), 0))


def comment_count(*, account: Account, event_id: int) -> int:
    return Comment.objects.filter(
        account=account, event_id=event_id, deleted_at__isnull=True
    ).count()
