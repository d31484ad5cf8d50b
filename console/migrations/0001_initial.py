"""Saved views, comments and alert settings move into the console; their tables stay."""


import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auditlog', '0006_category_action_index'),
        ('notifications', '0001_initial'),
        ('accounts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables and their rows stay where they are; only Django's state moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AlertFired',
                    fields=[
                        ('pk', models.CompositePrimaryKey('account', 'user', 'alert', 'day', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('alert', models.CharField(max_length=32)),
                        ('day', models.DateField()),
                        ('fired_at', models.DateTimeField(auto_now_add=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'notifications_alertfired',
                    },
                ),
                migrations.CreateModel(
                    name='AlertSetting',
                    fields=[
                        ('pk', models.CompositePrimaryKey('account', 'user', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('multiple_exports', models.BooleanField(default=False, verbose_name='Multiple exports')),
                        ('multiple_exports_threshold', models.PositiveIntegerField(default=10, verbose_name='Exports per day')),
                        ('removed_admin_rights', models.BooleanField(default=False, verbose_name='Removed admin rights')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'notifications_alertsetting',
                    },
                ),
                migrations.CreateModel(
                    name='CommentMention',
                    fields=[
                        ('pk', models.CompositePrimaryKey('account', 'comment_id', 'user', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('comment_id', models.BigIntegerField()),
                        ('notified_at', models.DateTimeField(auto_now_add=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'auditlog_commentmention',
                    },
                ),
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('pk', models.CompositePrimaryKey('account', 'id', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('id', models.BigIntegerField(db_default=models.Func(models.Value('tenant_row_id_seq'), function='nextval'), editable=False)),
                        ('event_id', models.BigIntegerField()),
                        ('parent_id', models.BigIntegerField(blank=True, null=True)),
                        ('body', models.TextField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('edited_at', models.DateTimeField(blank=True, null=True)),
                        ('deleted_at', models.DateTimeField(blank=True, null=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'auditlog_comment',
                        'indexes': [models.Index(fields=['account', 'event_id', 'created_at'], name='comment_event_idx'), models.Index(fields=['account', 'parent_id', 'created_at'], name='comment_thread_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='SavedView',
                    fields=[
                        ('pk', models.CompositePrimaryKey('account', 'id', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('id', models.BigIntegerField(db_default=models.Func(models.Value('tenant_row_id_seq'), function='nextval'), editable=False)),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('sharing', models.CharField(choices=[('private', 'Private'), ('everyone', 'Everyone in the account')], default='private', max_length=10, verbose_name='sharing')),
                        ('filters', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'auditlog_savedview',
                        'indexes': [models.Index(fields=['account', 'sharing'], name='savedview_sharing_idx')],
                        'constraints': [models.UniqueConstraint(models.F('account'), models.F('owner'), django.db.models.functions.text.Lower('name'), name='savedview_name_unique')],
                    },
                ),
            ],
        ),
    ]
