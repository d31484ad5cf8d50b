"""A service called with another account's object refuses (NotFound, a domain error) and writes
nothing: no event in either account, the object unchanged. Views 404 before they get here; the
services hold the line on their own too."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.errors import DomainError, NotFound
from accounts.models import Role
from auditlog.models import Event
from console.comments import comment_create, comment_delete, comment_edit, comment_resolve
from console.models import Comment, SavedView, Sharing
from console.saved_views import (
    savedview_delete,
    savedview_rename,
    savedview_save_filters,
    savedview_share,
)
from crm.models import Record
from crm.services import record_delete, record_restore
from exports.models import ExportJob, Kind, Status
from exports.services import export_download_record
from tests.crm.helpers import INFO, membership
from tests.crm.helpers import delete as record_deleted
from tests.factories import RecordFactory, SavedViewFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(other_account):
    return member_of(other_account, role=Role.SUPER_ADMIN, email="hank@globex.test")


@pytest.fixture
def theirs(other_account, outsider, record_event):
    """An entry of the other account, with a comment on it."""
    event = record_event(other_account, actor=outsider, object_label="Globex deal")
    with scope(account=other_account):
        comment = comment_create(
            account=other_account, author=outsider, event=event, body="Globex only", mention_ids=[]
        )
    return event, comment


def event_counts(*accounts) -> list[int]:
    with scopes_disabled():
        return [Event.objects.filter(account=a).count() for a in accounts]


@pytest.fixture
def nothing_written(account, other_account):
    """Asserts, after the test body, that neither account gained an event."""
    before = event_counts(account, other_account)
    yield
    assert event_counts(account, other_account) == before


def test_comment_services_refuse_another_accounts_comment(
    account, other_account, super_admin, theirs, record_event
):
    event, comment = theirs
    ours = record_event(account, actor=super_admin, object_label="Our entry")
    before = event_counts(account, other_account)
    me = membership(account, super_admin)

    with scope(account=account):
        for entry in (event, ours):  # their entry, or ours with their comment
            with pytest.raises(NotFound):
                comment_edit(account=account, user=super_admin, comment=comment, event=entry,
                             body="Hijacked", mention_ids=[])  # fmt: skip
            with pytest.raises(NotFound):
                comment_resolve(
                    account=account, user=super_admin, comment=comment, event=entry, resolved=True
                )
            with pytest.raises(NotFound):
                comment_delete(account=account, membership=me, comment=comment, event=entry)
        with pytest.raises(NotFound):
            comment_create(account=account, author=super_admin, event=event, body="Hello",
                           mention_ids=[])  # fmt: skip

    assert event_counts(account, other_account) == before
    with scopes_disabled():
        stored = Comment.objects.get(account=other_account, id=comment.id)
        assert stored.body == "Globex only"
        assert stored.resolved_at is None and stored.deleted_at is None and stored.edited_at is None
        assert not Comment.objects.filter(account=account).exists()


def test_a_comment_of_another_entry_in_the_same_account_is_not_found(
    account, super_admin, record_event
):
    first = record_event(account, actor=super_admin, object_label="First")
    second = record_event(account, actor=super_admin, object_label="Second")
    with scope(account=account):
        comment = comment_create(
            account=account, author=super_admin, event=first, body="On the first", mention_ids=[]
        )
        with pytest.raises(NotFound):
            comment_edit(account=account, user=super_admin, comment=comment, event=second,
                         body="Moved?", mention_ids=[])  # fmt: skip


def test_saved_view_services_refuse_another_accounts_view(
    account, other_account, super_admin, outsider, nothing_written
):
    view = SavedViewFactory(
        account=other_account, owner=outsider, name="Globex view", sharing=Sharing.EVERYONE,
        filters={"date": "7d"},
    )  # fmt: skip
    me = membership(account, super_admin)

    with scope(account=account):
        with pytest.raises(NotFound):
            savedview_save_filters(account=account, membership=me, view=view,
                                   filters={"date": "90d"})  # fmt: skip
        with pytest.raises(NotFound):
            savedview_rename(account=account, membership=me, view=view, name="Ours now")
        with pytest.raises(NotFound):
            savedview_share(account=account, membership=me, view=view, sharing=Sharing.PRIVATE)
        with pytest.raises(NotFound):
            savedview_delete(account=account, membership=me, view=view)

    with scopes_disabled():
        stored = SavedView.objects.get(account=other_account, id=view.id)
    assert (stored.name, stored.sharing, stored.filters) == (
        "Globex view",
        Sharing.EVERYONE,
        {"date": "7d"},
    )


def test_a_member_of_another_account_cannot_change_a_view_here(
    account, other_account, super_admin, outsider, nothing_written
):
    view = SavedViewFactory(account=account, owner=super_admin, name="Ours")

    with scope(account=account), pytest.raises(NotFound):
        savedview_rename(
            account=account, membership=membership(other_account, outsider), view=view, name="X"
        )


def test_record_services_refuse_another_accounts_record_and_event(
    account, other_account, super_admin, outsider
):
    deleted = RecordFactory(account=other_account, label="Globex contact")
    delete_event = record_deleted(other_account, outsider, deleted)
    live = RecordFactory(account=other_account, label="Globex lead")
    before = event_counts(account, other_account)
    me = membership(account, super_admin)

    with scope(account=account):
        with pytest.raises(NotFound):
            record_restore(
                account=account, membership=me, delete_event_id=delete_event.id, info=INFO
            )
        with pytest.raises(NotFound):
            record_delete(account=account, membership=me, record_id=live.id, info=INFO)
    # Their own super admin, acting in our account, is nobody here.
    with scope(account=account), pytest.raises(NotFound):
        record_restore(
            account=account,
            membership=membership(other_account, outsider),
            delete_event_id=delete_event.id,
            info=INFO,
        )

    assert event_counts(account, other_account) == before
    with scopes_disabled():
        assert Record.objects.get(account=other_account, id=deleted.id).deleted_at is not None
        assert Record.objects.get(account=other_account, id=live.id).deleted_at is None


def test_recording_a_download_of_another_accounts_export_is_refused(
    account, other_account, super_admin, outsider, nothing_written
):
    job = ExportJob.objects.create(
        account=other_account, requester=outsider, kind=Kind.AUDIT_LOG, status=Status.DONE,
        finished_at=timezone.now(),
    )  # fmt: skip

    with scope(account=account), pytest.raises(DomainError) as refused:
        export_download_record(account=account, user=super_admin, job=job, ip="81.2.69.142",
                               user_agent="Mozilla/5.0", url="/")  # fmt: skip

    assert isinstance(refused.value, NotFound)
