"""Comments on log entries (SPEC S5): mentions, notifications, threads, permissions, escaping."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from accounts.errors import NotFound, Refused
from accounts.models import Role
from console.comments import (
    CommentError,
    comment_create,
    comment_delete,
    comment_edit,
    comment_resolve,
    mentioned_ids,
    threads_of,
)
from console.models import Comment
from notifications.models import Kind, Notification
from tests.factories import member_of
from tests.utils import events_of

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
        comment_delete(account=account, membership=admin, comment=root, event=event)
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
        with pytest.raises(Refused):
            comment_edit(
                account=account,
                user=super_admin,
                comment=comment,
                event=event,
                body="changed",
                mention_ids=[],
            )
        comment_delete(
            account=account,
            membership=membership(account, super_admin),
            comment=comment,
            event=event,
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
        comment_resolve(
            account=account, user=super_admin, comment=reply, event=event, resolved=True
        )
        assert [t.root.id for t in threads_of(account=account, event_id=event.id)] == []
        assert [
            t.root.id for t in threads_of(account=account, event_id=event.id, status="resolved")
        ] == [root.id]
        comment_resolve(
            account=account, user=super_admin, comment=root, event=event, resolved=False
        )
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


def _comment(account, author, event, body="hello", parent_id=None) -> Comment:
    with scope(account=account):
        return comment_create(
            account=account,
            author=author,
            event=event,
            body=body,
            mention_ids=[],
            parent_id=parent_id,
        )


def test_a_typed_marker_is_text_never_a_mention(account, other_account, super_admin, member, event):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN, full_name="Eve Outsider")
    with scope(account=account):
        comment = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body=f"@{{u:{outsider.pk}}} and @{{u:{member.pk}}}",
            mention_ids=[],
        )
        html = str(threads_of(account=account, event_id=event.id)[0].html[comment.id])
    assert mentioned_ids(comment.body) == set()
    assert "Eve Outsider" not in html and "Grace Hopper" not in html
    assert 'class="mention"' not in html
    with scopes_disabled():
        assert not Notification.objects.filter(kind=Kind.MENTION).exists()


def test_a_colleague_who_lost_access_is_not_notified_on_edit(account, super_admin, member, event):
    with scope(account=account):
        comment = comment_create(
            account=account, author=super_admin, event=event, body="draft", mention_ids=[]
        )
    with scopes_disabled():
        grant = member.memberships.get(account=account)
        grant.audit_log_access = False
        grant.save()
    with scope(account=account):
        comment_edit(
            account=account,
            user=super_admin,
            comment=comment,
            event=event,
            body="@Grace Hopper see",
            mention_ids=[member.pk],
        )
    assert mentions_of(account, member) == []


def test_count_and_row_indicator_follow_deletes_and_resolves(
    account, super_admin, event, client_for
):
    root = _comment(account, super_admin, event, "root")
    _comment(account, super_admin, event, "reply", parent_id=root.id)
    gone = _comment(account, super_admin, event, "gone")
    with scope(account=account):
        comment_delete(
            account=account, membership=membership(account, super_admin), comment=gone, event=event
        )
    client = client_for(super_admin)
    base = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/"
    html = client.get(base, HTTP_HX_REQUEST="true").content.decode()
    assert f'<span class="badge" id="comment-count-{event.id}" hx-swap-oob="true">2</span>' in html
    # The row's indicator comes as a template that the page puts in place if that row is shown.
    indicator = f'<template data-comment-indicator="comment-indicator-{event.id}">'
    assert f'{indicator}<span id="comment-indicator-{event.id}"> <span' in html
    assert "1 open comment" in html
    resolved = client.post(
        f"{base}{root.id}/resolve/", {"resolved": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'{indicator}<span id="comment-indicator-{event.id}"></span>' in resolved
    # Opening the panel swaps nothing out of band: its counts are in place already.
    panel = client.get(f"/a/{account.pk}/audit-logs/events/{event.id}/", HTTP_HX_REQUEST="true")
    assert "hx-swap-oob" not in panel.content.decode()
    assert "data-comment-indicator" not in panel.content.decode()
    page = client.get(f"/a/{account.pk}/audit-logs/").content.decode()
    assert f'id="comment-indicator-{event.id}"></span>' in page


def test_editing_someone_elses_comment_is_refused_with_a_message(
    account, super_admin, member, event, client_for
):
    comment = _comment(account, member, event, "mine")
    url = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/edit/"
    response = client_for(super_admin).post(
        url, {"body": "changed by someone else"}, HTTP_HX_REQUEST="true"
    )
    assert "Only the author can edit a comment." in response.content.decode()
    with scope(account=account):
        comment.refresh_from_db()
    assert comment.body == "mine" and comment.edited_at is None
    # Without script the refusal comes back as a message on the entry's page.
    response = client_for(super_admin).post(url, {"body": "again"}, follow=True)
    assert "Only the author can edit a comment." in response.content.decode()


def test_deleting_someone_elses_comment_needs_super_admin(
    account, super_admin, member, event, client_for
):
    other = member_of(account, role=Role.ADMIN, audit_log_access=True, full_name="Alan Turing")
    comment = _comment(account, super_admin, event, "by the boss")
    url = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/delete/"
    response = client_for(other).post(url, HTTP_HX_REQUEST="true")
    assert "Only the author or a super admin can delete a comment." in response.content.decode()
    with scope(account=account):
        assert Comment.objects.get(account=account, id=comment.id).deleted_at is None
    mine = _comment(account, member, event, "by grace")
    client_for(super_admin).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{mine.id}/delete/",
        HTTP_HX_REQUEST="true",
    )
    with scope(account=account):
        assert Comment.objects.get(account=account, id=mine.id).deleted_at is not None


def test_reply_to_a_deleted_comment_shows_a_clear_message(
    account, super_admin, member, event, client_for
):
    root = _comment(account, super_admin, event, "root")
    with scope(account=account):
        comment_delete(
            account=account, membership=membership(account, super_admin), comment=root, event=event
        )
    response = client_for(member).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/",
        {"body": "late reply", "thread": root.id},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "The comment you replied to was deleted." in response.content.decode()
    with scope(account=account):
        assert Comment.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("body", ["", "x" * 5001])
def test_empty_or_too_long_comment_is_a_field_error_in_the_panel(
    account, super_admin, event, client_for, body
):
    response = client_for(super_admin).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/",
        {"body": body},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="field-error"' in html
    with scope(account=account):
        assert not Comment.objects.filter(account=account).exists()


def test_another_accounts_comment_is_404(
    account, other_account, super_admin, event, record_event, client_for
):
    outsider = member_of(other_account, role=Role.SUPER_ADMIN)
    theirs = record_event(other_account, actor=outsider)
    comment = _comment(account, super_admin, event, "ours")
    client = client_for(outsider)
    for path in ("edit/", "delete/", "resolve/"):
        # Their own account's event with our comment's id, and our account's URL.
        assert (
            client.post(
                f"/a/{other_account.pk}/audit-logs/events/{theirs.id}/comments/{comment.id}/{path}",
                {"body": "x"},
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/{path}",
                {"body": "x"},
            ).status_code
            == 404
        )
    with scope(account=account):
        comment.refresh_from_db()
    assert comment.body == "ours" and comment.deleted_at is None and comment.resolved_at is None


def test_member_without_access_can_neither_read_nor_write(
    account, super_admin, member_without_access, event, client_for
):
    comment = _comment(account, super_admin, event, "private")
    client = client_for(member_without_access)
    base = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/"
    assert client.get(base).status_code == 403
    assert "private" not in client.get(base).content.decode()
    assert client.post(base, {"body": "sneaky"}).status_code == 403
    assert client.post(f"{base}{comment.id}/resolve/").status_code == 403
    assert client.get(f"/a/{account.pk}/audit-logs/mentions/?q=a").status_code == 403
    with scope(account=account):
        assert Comment.objects.filter(account=account).count() == 1


def test_mention_picker_lists_only_colleagues_with_access_and_escapes_names(
    account, other_account, super_admin, member, member_without_access, client_for
):
    member.full_name = "Grace <b>Hopper</b>"
    member.save()
    member_of(other_account, role=Role.SUPER_ADMIN, full_name="Grace Outsider")
    html = client_for(super_admin).get(f"/a/{account.pk}/audit-logs/mentions/?q=Gra").content
    html = html.decode()
    assert "Grace &lt;b&gt;Hopper&lt;/b&gt;" in html and "<b>Hopper" not in html
    assert "Outsider" not in html
    none = client_for(super_admin).get(f"/a/{account.pk}/audit-logs/mentions/?q=Linus")
    assert "Linus" not in none.content.decode() and "No colleagues match" in none.content.decode()


def test_a_refused_edit_replaces_only_its_form(account, super_admin, event, client_for):
    comment = _comment(account, super_admin, event, "first words")
    response = client_for(super_admin).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/edit/",
        {"body": "   "},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#comment-{comment.id}"
    assert f'id="comment-{comment.id}"' in html and "Write something first." in html
    with scope(account=account):
        comment.refresh_from_db()
    assert comment.body == "first words" and comment.edited_at is None


def test_resolving_in_the_panel_is_one_event_with_before_and_after(
    account, super_admin, member, event, client_for
):
    root = _comment(account, member, event, "root")
    reply = _comment(account, member, event, "reply", parent_id=root.id)
    client = client_for(super_admin)
    resolve = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{reply.id}/resolve/"
    origin = {"REMOTE_ADDR": "81.2.69.142", "HTTP_USER_AGENT": "Mozilla/5.0"}

    client.post(resolve, {"resolved": "1"}, HTTP_HX_REQUEST="true", **origin)
    client.post(resolve, {"resolved": "1"}, HTTP_HX_REQUEST="true")  # already resolved

    (resolved,) = events_of(account, subcategory="comment", action="resolve")
    assert (resolved.category, resolved.actor_user_id) == ("audit_logs", super_admin.pk)
    assert (resolved.object_type, resolved.object_id) == ("comment", str(root.id))
    assert resolved.object_label == "Acme Corp"  # the entry the thread is about
    assert resolved.metadata == {
        "event_id": event.id,
        "thread_id": root.id,
        "before": {"resolved": False},
        "after": {"resolved": True},
    }
    assert (resolved.ip_address, resolved.user_agent) == ("81.2.69.142", "Mozilla/5.0")
    assert f"open={event.id}&comment={root.id}" in resolved.url

    client.post(resolve, {"resolved": "0"}, HTTP_HX_REQUEST="true")
    (reopened,) = events_of(account, subcategory="comment", action="reopen")
    assert reopened.metadata["before"] == {"resolved": True}
    assert reopened.metadata["after"] == {"resolved": False}


def test_an_edit_records_the_text_before_and_after_and_a_delete_does_not(
    account, super_admin, member, event
):
    comment = _comment(account, super_admin, event, "first words")
    admin = membership(account, super_admin)
    with scope(account=account):
        comment_edit(
            account=account,
            user=super_admin,
            comment=comment,
            event=event,
            body="@Grace Hopper, better words",
            mention_ids=[member.pk],
        )
        comment_edit(  # the same text again is no edit
            account=account,
            user=super_admin,
            comment=comment,
            event=event,
            body="@Grace Hopper, better words",
            mention_ids=[],
        )
        comment_delete(account=account, membership=admin, comment=comment, event=event)

    (edited,) = events_of(account, subcategory="comment", action="update")
    assert edited.metadata["before"] == {"body": "first words"}
    assert edited.metadata["after"] == {"body": "@Grace Hopper, better words"}
    (deleted,) = events_of(account, subcategory="comment", action="delete")
    assert deleted.metadata == {"event_id": event.id, "thread_id": comment.id}


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("service", ["create", "edit"])
def test_mentions_cost_the_same_queries_whatever_their_number(account, super_admin, event, service):
    colleagues = [
        member_of(account, role=Role.MEMBER, audit_log_access=True, full_name=f"Colleague {n}")
        for n in range(1, 6)
    ]
    _comment(account, super_admin, event, "warm-up")  # first-use lookups out of the count

    def mention(people) -> int:
        body = " ".join(f"@{person.full_name}" for person in people) + " please look"
        ids = [person.pk for person in people]
        with scope(account=account):
            if service == "create":
                return _queries(
                    lambda: comment_create(
                        account=account, author=super_admin, event=event, body=body, mention_ids=ids
                    )
                )
            draft = comment_create(
                account=account, author=super_admin, event=event, body="draft", mention_ids=[]
            )
            return _queries(
                lambda: comment_edit(
                    account=account,
                    user=super_admin,
                    comment=draft,
                    event=event,
                    body=body,
                    mention_ids=ids,
                )
            )

    one, five = mention(colleagues[:1]), mention(colleagues)

    assert one == five
    assert [len(mentions_of(account, person)) for person in colleagues] == [2, 1, 1, 1, 1]


def _forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """Each POST form of a page as a browser without script would send it: its action and its
    hidden fields (the CSRF token among them)."""
    forms = []
    for attrs, inner in re.findall(r'<form([^>]*method="post"[^>]*)>(.*?)</form>', html, re.S):
        action = html_unescape(re.search(r'action="([^"]*)"', attrs).group(1))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', inner))
        forms.append((action, fields))
    return forms


def _form(html: str, action_part: str) -> tuple[str, dict[str, str]]:
    [found] = [(a, f) for a, f in _forms(html) if a.endswith(action_part)]
    return found


def test_every_comment_form_works_without_script(account, super_admin, member, event):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(super_admin)
    panel = f"/a/{account.pk}/audit-logs/events/{event.id}/"

    def post(action_part: str, page: str, **fields: str):
        action, hidden = _form(page, action_part)
        assert hidden.get("csrfmiddlewaretoken"), action
        response = browser.post(action, {**hidden, **fields})
        assert response.status_code == 302, (action, response.status_code)
        return browser.get(response["Location"]).content.decode()

    page = browser.get(panel + "?tab=comments").content.decode()
    page = post("/comments/", page, body="Written without script")
    with scope(account=account):
        root = Comment.objects.get(account=account, body="Written without script")
    thread = browser.get(f"{panel}?tab=comments&thread={root.id}").content.decode()
    post("/comments/", thread, body="A reply without script")
    edit = browser.get(f"{panel}comments/{root.id}/edit/").content.decode()
    post(f"/comments/{root.id}/edit/", edit, body="Edited without script")
    page = browser.get(panel + "?tab=comments").content.decode()
    page = post(f"/comments/{root.id}/resolve/", page)
    with scope(account=account):
        root.refresh_from_db()
        reply = Comment.objects.get(account=account, parent_id=root.id)
    assert root.body == "Edited without script" and root.resolved_at is not None
    assert reply.body == "A reply without script"
    thread = browser.get(f"{panel}?tab=comments&status=all&thread={root.id}").content.decode()
    post(f"/comments/{reply.id}/delete/", thread)
    with scope(account=account):
        assert Comment.objects.get(account=account, id=reply.id).deleted_at is not None
    # And a post without the token is still refused.
    assert browser.post(panel + "comments/", {"body": "forged"}).status_code == 403


@pytest.mark.parametrize("body", ["before\x00after", "\x00"])
def test_a_nul_character_in_a_comment_is_a_field_error(
    account, super_admin, event, client_for, body
):
    client = client_for(super_admin)
    response = client.post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/",
        {"body": body},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "The text contains a null character, which cannot be saved." in response.content.decode()
    comment = _comment(account, super_admin, event, "clean")
    edited = client.post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/edit/",
        {"body": body},
        HTTP_HX_REQUEST="true",
    )
    assert edited.status_code == 400 and "null character" in edited.content.decode()
    with scope(account=account):
        assert list(Comment.objects.filter(account=account).values_list("body", flat=True)) == [
            "clean"
        ]


def test_nul_characters_in_other_free_text_never_fail(account, super_admin, client_for):
    client = client_for(super_admin)
    named = client.post(
        f"/a/{account.pk}/audit-logs/views/new/", {"name": "Bad\x00name", "sharing": "private"}
    )
    assert named.status_code == 400 and "Null characters are not allowed." in named.content.decode()
    for url in ("mentions/", "actors/", ""):
        response = client.get(f"/a/{account.pk}/audit-logs/{url}", {"q": "Ada\x00", "view": "\x00"})
        assert response.status_code == 200, url


def test_a_too_long_comment_keeps_the_text_and_says_by_how_much(
    account, super_admin, event, client_for
):
    body = "word " * 1200  # 6,000 characters: the box no longer cuts it at 5,000
    response = client_for(super_admin).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/",
        {"body": body},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Keep comments to 5,000 characters or fewer; this one has 5,999." in html
    assert f">{body}</textarea>" in html and "maxlength" not in html


def test_a_long_comment_folds_behind_show_more(account, super_admin, member, event, client_for):
    short = _comment(account, super_admin, event, "Short and sweet")
    lines = "\n".join(f"Line {i} of the incident notes" for i in range(12))
    long = _comment(account, super_admin, event, lines)
    with scope(account=account):
        long_mention = comment_create(
            account=account,
            author=super_admin,
            event=event,
            body="x" * 395 + " @Grace Hopper " + "y" * 300,
            mention_ids=[member.pk],
        )
    html = (
        client_for(super_admin)
        .get(f"/a/{account.pk}/audit-logs/events/{event.id}/comments/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    articles = dict(re.findall(r'<article[^>]*id="comment-(\d+)">(.*?)</article>', html, re.S))
    assert "Show more" not in articles[str(short.id)]
    folded = articles[str(long.id)]
    shown, rest = folded.split("data-comment-fold", 1)
    assert "Line 4 of" in shown and "Line 5 of" not in shown
    assert "Line 5 of" in rest and "Line 11 of" in rest and "Show more" in rest
    # A fold never splits a mention: it moves before it.
    shown, rest = articles[str(long_mention.id)].split("data-comment-fold", 1)
    assert "Grace Hopper" not in shown and '<span class="mention">@Grace Hopper</span>' in rest


def test_a_forged_edit_or_delete_is_refused_in_the_panel(
    account, super_admin, member, event, client_for
):
    comment = _comment(account, super_admin, event, "by the boss")
    base = f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/"
    client = client_for(member)
    for path, message in (
        ("edit/", "Only the author can edit a comment."),
        ("delete/", "Only the author or a super admin can delete a comment."),
    ):
        response = client.post(base + path, {"body": "taken over"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 403
        # The panel swaps it in whichever element asked (console.js reads these headers).
        assert response["HX-Retarget"] == f"#comments-{event.id}"
        assert response["HX-Reswap"] == "outerHTML"
        assert f'<p class="alert error" role="alert">{message}</p>' in html
        assert 'class="field-error"' not in html  # not an error of the box to write in
    with scope(account=account):
        comment.refresh_from_db()
    assert comment.body == "by the boss" and comment.deleted_at is None


def test_a_comment_service_that_finds_nothing_answers_404(
    account, super_admin, event, client_for, monkeypatch
):
    from console import comment_views

    comment = _comment(account, super_admin, event, "gone meanwhile")

    def vanished(**kwargs):
        raise NotFound("This comment does not exist.")

    monkeypatch.setattr(comment_views, "comment_resolve", vanished)
    response = client_for(super_admin).post(
        f"/a/{account.pk}/audit-logs/events/{event.id}/comments/{comment.id}/resolve/",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404
