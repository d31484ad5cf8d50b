"""Migrations: a fresh database and the upgrade of one made by the previous release.

The previous release kept saved views and comments in `auditlog` and alert settings in
`notifications`; they now belong to `console` with the same tables. A deployment upgrades, it
never starts over, so the rows written before must read through the new models afterwards.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from accounts.models import Account, User
from console.models import AlertSetting, Comment, CommentMention, SavedView
from tests.factories import account_with_tier, member_of

# The leaf migrations of the previous release, before the console app existed.
PREVIOUS_RELEASE = [
    ("accounts", "0001_initial"),
    ("auditlog", "0006_category_action_index"),
    ("notifications", "0001_initial"),
    ("crm", "0002_purge_log"),
    ("exports", "0001_initial"),
    ("console", None),
    ("administration", None),
]


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_the_rows_of_moved_models():
    from accounts.models import Tier

    with scopes_disabled():
        account = account_with_tier(Tier.ENTERPRISE)
        user = member_of(account)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(PREVIOUS_RELEASE)
        tables = connection.introspection.table_names()
        assert "auditlog_savedview" in tables and "notifications_alertsetting" in tables
        with connection.cursor() as cursor:
            # Rows as the previous release wrote them, into its tables.
            cursor.execute(
                "INSERT INTO auditlog_savedview (account_id, owner_id, name, sharing, filters,"
                " created_at, updated_at) VALUES (%s, %s, 'Exports', 'everyone',"
                ' \'{"category": "security_activity"}\', now(), now()) RETURNING id',
                [account.pk, user.pk],
            )
            view_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO auditlog_comment (account_id, event_id, author_id, body, created_at)"
                " VALUES (%s, 1, %s, 'Checked', now()) RETURNING id",
                [account.pk, user.pk],
            )
            comment_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO auditlog_commentmention (account_id, comment_id, user_id,"
                " notified_at) VALUES (%s, %s, %s, now())",
                [account.pk, comment_id, user.pk],
            )
            cursor.execute(
                "INSERT INTO notifications_alertsetting (account_id, user_id, multiple_exports,"
                " multiple_exports_threshold, removed_admin_rights, updated_at)"
                " VALUES (%s, %s, true, 7, false, now())",
                [account.pk, user.pk],
            )
    finally:
        _migrate(latest)

    with scopes_disabled():
        view = SavedView.objects.get(account=account, id=view_id)
        assert (view.name, view.sharing, view.filters) == (
            "Exports",
            "everyone",
            {"category": "security_activity"},
        )
        assert Comment.objects.get(account=account, id=comment_id).body == "Checked"
        assert CommentMention.objects.filter(account=account, comment_id=comment_id).exists()
        setting = AlertSetting.objects.get(account=account, user=user)
        assert setting.multiple_exports and setting.multiple_exports_threshold == 7
        assert Account.objects.filter(pk=account.pk).exists()
        assert User.objects.filter(pk=user.pk).exists()
