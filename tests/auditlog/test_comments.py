"""Comments on log entries (SPEC S5): mentions, notifications, threads, permissions, escaping."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from auditlog.comments import (
    CommentError,
    comment_create,
    comment_delete,
    comment_edit,
    comment_resolve,
    threads_of,
)
from auditlog.models import Comment
from notifications.models import Kind, Notification
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def membership(account, user):
    with scopes_disabled():
        return user.memberships.get(account=account)


@pytest.fixture
def event(account, super_admin, record_event):
    return record_event(account, actor=super_admin, object_label="Acme Corp")


def mentions_of(account, user) -> list[Notification]:
    with scope(account=account):
        return list(Notification.objects.filter(account=account, recipient=user, kind=Kind.MENTION))


def test_mention_is_stored_as_reference_and_notifies_once(account, super_admin, member, event):
    with scope(account=account):
        comment = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="Hi @Grace Hopper, please look",
            mention_ids=[member.pk],
        )
    assert comment.body == f"Hi @{{u:{member.pk}}}, please look"
    notes = mentions_of(account, member)
    assert len(notes) == 1
    assert "Ada Lovelace" in notes[0].title
    assert f"open={event.id}" in notes[0].url and f"comment={comment.id}" in notes[0].url


def test_edit_notifies_only_newly_added_mentions(account, super_admin, member, event):
    third = member_of(account, role=Role.ADMIN, audit_log_access=True, full_name="Alan Turing")
    with scope(account=account):
        comment = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="@Grace Hopper first",
            mention_ids=[member.pk],
        )
        comment_edit(
            account=account,
            user=super_admin,
            comment=comment,
            event=event,
            body="@Grace Hopper and @Alan Turing",
            mention_ids=[third.pk],
        )
        comment_edit(
            account=account,
            user=super_admin,
            comment=comment,
            event=event,
            body="@Grace Hopper and @Alan Turing, edited again",
            mention_ids=[],
        )
    assert len(mentions_of(account, member)) == 1
    assert len(mentions_of(account, third)) == 1


def test_names_from_outside_the_account_never_resolve(
    account, other_account, super_admin, event, member_without_access
):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN, full_name="Eve Outsider")
    with scope(account=account):
        comment = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="@Eve Outsider and @Linus Torvalds",
            mention_ids=[outsider.pk, member_without_access.pk],
        )
    assert comment.body == "@Eve Outsider and @Linus Torvalds"
    with scopes_disabled():
        assert not Notification.objects.filter(kind=Kind.MENTION).exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_empty_or_too_long_comment_is_refused(account, super_admin, event, body):
    with scope(account=account), pytest.raises(CommentError):
        comment_create(account=account, author=super_admin, event=event, body=body, mention_ids=[])
    with scope(account=account):
        assert not Comment.objects.filter(account=account).exists()


def test_reply_to_deleted_comment_is_refused(account, super_admin, event):
    admin = membership(account, super_admin)
    with scope(account=account):
        root = comment_create(
            account=account, author=super_admin, event=event, body="root", mention_ids=[]
        )
        comment_delete(account=account, membership=admin, comment=root)
        with pytest.raises(CommentError, match="deleted"):
            comment_create(
                account=account,
                author=super_admin,
                event=event,
                body="reply",
                mention_ids=[],
                parent_id=root.id,
            )


def test_only_author_edits_and_super_admin_may_delete(account, super_admin, member, event):
    with scope(account=account):
        comment = comment_create(
            account=account, author=member, event=event, body="mine", mention_ids=[]
        )
        with pytest.raises(PermissionError):
            comment_edit(
                account=account,
                user=super_admin,
                comment=comment,
                event=event,
                body="changed",
                mention_ids=[],
            )
        comment_delete(
            account=account, membership=membership(account, super_admin), comment=comment
        )
        comment.refresh_from_db()
        assert comment.deleted_at is not None


def test_resolve_and_reopen_filter_threads(account, super_admin, event):
    with scope(account=account):
        root = comment_create(
            account=account, author=super_admin, event=event, body="a", mention_ids=[]
        )
        reply = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="b",
            mention_ids=[],
            parent_id=root.id,
        )
        comment_resolve(account=account, user=super_admin, comment=reply, resolved=True)
        assert [t.root.id for t in threads_of(account=account, event_id=event.id)] == []
        assert [
            t.root.id for t in threads_of(account=account, event_id=event.id, status="resolved")
        ] == [root.id]
        comment_resolve(account=account, user=super_admin, comment=root, resolved=False)
        assert [t.root.id for t in threads_of(account=account, event_id=event.id)] == [root.id]


def test_views_escape_markup_in_text_and_names(account, super_admin, member, event, client_for):
    member.full_name = '<img src=x onerror="alert(1)">'
    member.save()
    client = client_for(super_admin)
    url = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/"
    response = client.post(
        url,
        {"body": "<script>alert(2)</script> @" + member.full_name, "mention": [member.pk]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_mention_email_is_sent(account, super_admin, member, event, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from notifications.services import notification_email_deliver

    with scope(account=account):
        comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="@Grace Hopper see",
            mention_ids=[member.pk],
        )
        note = Notification.objects.select_related("recipient", "account").get(
            account=account, recipient=member
        )
        assert notification_email_deliver(notification=note) is True
        assert notification_email_deliver(notification=note) is False  # claimed once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "tagged you" in mail.outbox[0].subject


def test_comment_views_are_tenant_scoped(
    account, other_account, super_admin, member_without_access, event, client_for
):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    url = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/"
    assert client_for(outsider).get(url).status_code == 404
    other_url = f"/a/{other_account.pk}/audit-logs/events/{event.id}/comments/"
    assert client_for(outsider).get(other_url).status_code == 404
    assert client_for(member_without_access).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_permalink_opens_panel_with_comment_highlighted(account, super_admin, event, client_for):
    with scope(account=account):
        comment = comment_create(
            account=account, author=super_admin, event=event, body="look", mention_ids=[]
        )
    response = client_for(super_admin).get(
        f"/a/{account.pk}/audit-logs/?open={event.id}&comment={comment.id}"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="comment-{comment.id}"' in html
    assert "comment highlighted" in html
