"""Invitations to join an account, and the password-reset emails super admins send."""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('pk', models.CompositePrimaryKey('account', 'id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('id', models.BigIntegerField(db_default=models.Func(models.Value('tenant_row_id_seq'), function='nextval'), editable=False)),
                ('email', models.EmailField(max_length=254, verbose_name='email')),
                ('role', models.CharField(choices=[('super_admin', 'Super admin'), ('admin', 'Admin'), ('member', 'Member')], default='member', max_length=16)),
                ('audit_log_access', models.BooleanField(default=False)),
                ('nonce', models.CharField(max_length=32)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('revoked', 'Revoked')], default='pending', max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('email_status', models.CharField(blank=True, choices=[('', 'No email'), ('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Not delivered')], default='pending', max_length=10)),
                ('email_attempts', models.PositiveSmallIntegerField(default=0)),
                ('email_claimed_at', models.DateTimeField(blank=True, null=True)),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('email_status', 'pending')), fields=['email_status'], name='invitation_email_pending_idx')],
                'constraints': [models.UniqueConstraint(models.F('account'), django.db.models.functions.text.Lower('email'), condition=models.Q(('status', 'pending')), name='invitation_pending_unique')],
            },
        ),
        migrations.CreateModel(
            name='PasswordResetEmail',
            fields=[
                ('pk', models.CompositePrimaryKey('account', 'id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('id', models.BigIntegerField(db_default=models.Func(models.Value('tenant_row_id_seq'), function='nextval'), editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('email_status', models.CharField(blank=True, choices=[('', 'No email'), ('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Not delivered')], default='pending', max_length=10)),
                ('email_attempts', models.PositiveSmallIntegerField(default=0)),
                ('email_claimed_at', models.DateTimeField(blank=True, null=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('email_status', 'pending')), fields=['email_status'], name='pwreset_email_pending_idx')],
            },
        ),
    ]
