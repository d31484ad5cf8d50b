"""Saved views and comments now belong to the console app (same tables)."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0001_initial'),
        ('auditlog', '0006_category_action_index'),
    ]

    # The tables and their rows stay where they are; only Django's state moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='commentmention',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='commentmention',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='savedview',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='savedview',
                    name='owner',
                ),
                migrations.DeleteModel(
                    name='Comment',
                ),
                migrations.DeleteModel(
                    name='CommentMention',
                ),
                migrations.DeleteModel(
                    name='SavedView',
                ),
            ],
        ),
    ]
