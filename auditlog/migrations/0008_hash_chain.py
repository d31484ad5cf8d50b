"""Tamper evidence: every event gets its seq and hash, the existing ones chained here; the event
table refuses UPDATE and DELETE (and TRUNCATE) from now on; checkpoints, retention anchors and
verification results get their tables.

Reversible: going back drops the triggers, the tables and the two columns (the chain is made
again, the same, when migrating forward).
"""

import django.db.models.deletion
from django.db import migrations, models

ADD_COLUMNS = "ALTER TABLE auditlog_event ADD COLUMN seq bigint, ADD COLUMN hash bytea"
DROP_COLUMNS = "ALTER TABLE auditlog_event DROP COLUMN seq, DROP COLUMN hash"

APPEND_ONLY = """
ALTER TABLE auditlog_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE INDEX event_account_seq_idx ON auditlog_event (account_id, seq);

CREATE FUNCTION auditlog_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'retention drops whole partitions; see docs/integrity.md';
END
$$;
CREATE TRIGGER auditlog_event_append_only BEFORE UPDATE OR DELETE ON auditlog_event
    FOR EACH ROW EXECUTE FUNCTION auditlog_event_refuse_change();

-- TRUNCATE triggers are not inherited, so every partition gets its own (partitions.py adds it
-- to new ones). A session that must empty the table on purpose (a test suite's flush) says so
-- with SET auditdesk.allow_truncate = on.
CREATE FUNCTION auditlog_event_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('auditdesk.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE on % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'retention drops whole partitions; see docs/integrity.md';
END
$$;
CREATE TRIGGER auditlog_event_no_truncate BEFORE TRUNCATE ON auditlog_event
    FOR EACH STATEMENT EXECUTE FUNCTION auditlog_event_refuse_truncate();
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits
                WHERE inhparent = 'auditlog_event'::regclass LOOP
        EXECUTE format(
            'CREATE TRIGGER auditlog_event_no_truncate BEFORE TRUNCATE ON %s'
            ' FOR EACH STATEMENT EXECUTE FUNCTION auditlog_event_refuse_truncate()', part);
    END LOOP;
END
$$;
"""

APPEND_ONLY_REVERSE = """
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits
                WHERE inhparent = 'auditlog_event'::regclass LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS auditlog_event_no_truncate ON %s', part);
    END LOOP;
END
$$;
DROP TRIGGER auditlog_event_no_truncate ON auditlog_event;
DROP FUNCTION auditlog_event_refuse_truncate();
DROP TRIGGER auditlog_event_append_only ON auditlog_event;
DROP FUNCTION auditlog_event_refuse_change();
DROP INDEX event_account_seq_idx;
"""


def chain_existing_events(apps, schema_editor):
    """Chain every event written before this release, per account in (occurred_at, id) order."""
    from auditlog.integrity.chain import chain_backfill

    chain_backfill()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auditlog', '0007_move_console_models_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='event',
                    name='seq',
                    field=models.BigIntegerField(editable=False),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name='event',
                    name='hash',
                    field=models.BinaryField(editable=False, max_length=32),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunSQL(ADD_COLUMNS, reverse_sql=DROP_COLUMNS)],
        ),
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='accounts.account')),
                ('last_seq', models.BigIntegerField(default=0)),
                ('last_hash', models.BinaryField(max_length=32)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('pk', models.CompositePrimaryKey('account', 'seq', blank=True, editable=False, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField()),
                ('hash', models.BinaryField(max_length=32)),
                ('signed_at', models.DateTimeField()),
                ('previous_signature', models.BinaryField(blank=True, max_length=64)),
                ('key_id', models.CharField(max_length=16)),
                ('signature', models.BinaryField(max_length=64)),
                ('stored_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='RetentionAnchor',
            fields=[
                ('pk', models.CompositePrimaryKey('account', 'month', blank=True, editable=False, primary_key=True, serialize=False)),
                ('month', models.DateField()),
                ('ranges', models.JSONField()),
                ('events', models.BigIntegerField()),
                ('dropped_at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=16)),
                ('signature', models.BinaryField(max_length=64)),
                ('stored_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Verification',
            fields=[
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='accounts.account')),
                ('status', models.CharField(choices=[('verified', 'Verified'), ('failed', 'Failed')], max_length=10)),
                ('started_at', models.DateTimeField()),
                ('checked_at', models.DateTimeField()),
                ('events_checked', models.BigIntegerField(default=0)),
                ('through_seq', models.BigIntegerField(default=0)),
                ('checkpoint_seq', models.BigIntegerField(blank=True, null=True)),
                ('failure_seq', models.BigIntegerField(blank=True, null=True)),
                ('failure_event_id', models.BigIntegerField(blank=True, null=True)),
                ('failure_check', models.CharField(blank=True, max_length=40)),
                ('failure_detail', models.TextField(blank=True)),
                ('warnings', models.JSONField(blank=True, default=list)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='event',
                    index=models.Index(fields=['account', 'seq'], name='event_account_seq_idx'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(APPEND_ONLY, reverse_sql=APPEND_ONLY_REVERSE),
            ],
        ),
    ]
