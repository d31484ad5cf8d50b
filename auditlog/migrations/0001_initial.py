"""The event table, range-partitioned by month on occurred_at.

Django's CreateModel describes the model's state; the table itself is written by hand because
Django cannot declare PARTITION BY. Indexes created on the parent apply to every partition.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


CREATE_SQL = """
CREATE SEQUENCE auditlog_event_id_seq AS bigint;
CREATE TABLE auditlog_event (
    account_id bigint NOT NULL
        REFERENCES accounts_account (id) DEFERRABLE INITIALLY DEFERRED,
    occurred_at timestamptz NOT NULL,
    id bigint NOT NULL DEFAULT nextval('auditlog_event_id_seq'),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    category varchar(40) NOT NULL,
    subcategory varchar(40) NOT NULL,
    action varchar(20) NOT NULL,
    actor_type varchar(12) NOT NULL,
    actor_user_id bigint NULL,
    actor_employee_id bigint NULL,
    actor_integration varchar(80) NOT NULL DEFAULT '',
    actor_email varchar(254) NOT NULL DEFAULT '',
    actor_name varchar(150) NOT NULL DEFAULT '',
    actor_department varchar(32) NOT NULL DEFAULT '',
    actor_team_ids bigint[] NOT NULL DEFAULT '{}',
    object_type varchar(40) NOT NULL DEFAULT '',
    object_id varchar(64) NOT NULL DEFAULT '',
    object_label varchar(255) NOT NULL DEFAULT '',
    url varchar(2000) NOT NULL DEFAULT '',
    ip_address inet NULL,
    country_code varchar(2) NOT NULL DEFAULT '',
    country varchar(80) NOT NULL DEFAULT '',
    region varchar(120) NOT NULL DEFAULT '',
    city varchar(120) NOT NULL DEFAULT '',
    login_type varchar(40) NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    browser varchar(80) NOT NULL DEFAULT '',
    os varchar(80) NOT NULL DEFAULT '',
    device varchar(80) NOT NULL DEFAULT '',
    metadata jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (account_id, occurred_at, id)
) PARTITION BY RANGE (occurred_at);
ALTER SEQUENCE auditlog_event_id_seq OWNED BY auditlog_event.id;
CREATE INDEX event_account_time_idx ON auditlog_event (account_id, occurred_at DESC, id DESC);
CREATE INDEX event_account_cat_idx
    ON auditlog_event (account_id, category, occurred_at DESC, id DESC);
CREATE INDEX event_account_action_idx
    ON auditlog_event (account_id, action, occurred_at DESC, id DESC);
CREATE INDEX event_account_actor_idx
    ON auditlog_event (account_id, actor_user_id, occurred_at DESC, id DESC);
CREATE INDEX event_account_object_idx
    ON auditlog_event (account_id, object_type, object_id, occurred_at DESC);
"""

DROP_SQL = "DROP TABLE auditlog_event; DROP SEQUENCE IF EXISTS auditlog_event_id_seq;"


def create_initial_partitions(apps, schema_editor):
    """Partitions for the last 13 months and the months ahead; maintenance keeps them coming."""
    import datetime as dt

    from django.conf import settings

    from auditlog.partitions import partitions_ensure_range

    today = dt.datetime.now(dt.UTC).date()
    partitions_ensure_range(
        today - dt.timedelta(days=400),
        today + dt.timedelta(days=31 * settings.AUDIT_PARTITIONS_AHEAD),
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Event',
            fields=[
                ('pk', models.CompositePrimaryKey('account', 'occurred_at', 'id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('id', models.BigIntegerField(db_default=models.Func(models.Value('auditlog_event_id_seq'), function='nextval'), editable=False)),
                ('occurred_at', models.DateTimeField()),
                ('recorded_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('category', models.CharField(max_length=40)),
                ('subcategory', models.CharField(max_length=40)),
                ('action', models.CharField(max_length=20)),
                ('actor_type', models.CharField(choices=[('user', 'User'), ('employee', 'Platform employee'), ('integration', 'Integration')], max_length=12)),
                ('actor_integration', models.CharField(blank=True, max_length=80)),
                ('actor_email', models.CharField(blank=True, max_length=254)),
                ('actor_name', models.CharField(blank=True, max_length=150)),
                ('actor_department', models.CharField(blank=True, max_length=32)),
                ('actor_team_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, size=None)),
                ('object_type', models.CharField(blank=True, max_length=40)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('object_label', models.CharField(blank=True, max_length=255)),
                ('url', models.CharField(blank=True, max_length=2000)),
                ('ip_address', models.GenericIPAddressField(null=True)),
                ('country_code', models.CharField(blank=True, max_length=2)),
                ('country', models.CharField(blank=True, max_length=80)),
                ('region', models.CharField(blank=True, max_length=120)),
                ('city', models.CharField(blank=True, max_length=120)),
                ('login_type', models.CharField(blank=True, max_length=40)),
                ('user_agent', models.TextField(blank=True)),
                ('browser', models.CharField(blank=True, max_length=80)),
                ('os', models.CharField(blank=True, max_length=80)),
                ('device', models.CharField(blank=True, max_length=80)),
                ('metadata', models.JSONField(blank=True, default=dict)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                ('actor_employee', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.employee')),
                ('actor_user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(models.F('account'), models.OrderBy(models.F('occurred_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='event_account_time_idx'), models.Index(models.F('account'), models.F('category'), models.OrderBy(models.F('occurred_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='event_account_cat_idx'), models.Index(models.F('account'), models.F('action'), models.OrderBy(models.F('occurred_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='event_account_action_idx'), models.Index(models.F('account'), models.F('actor_user'), models.OrderBy(models.F('occurred_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='event_account_actor_idx'), models.Index(models.F('account'), models.F('object_type'), models.F('object_id'), models.OrderBy(models.F('occurred_at'), descending=True), name='event_account_object_idx')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state_operations,
            database_operations=[
                migrations.RunSQL(CREATE_SQL, reverse_sql=DROP_SQL),
                migrations.RunPython(create_initial_partitions, migrations.RunPython.noop),
            ],
        )
    ]
