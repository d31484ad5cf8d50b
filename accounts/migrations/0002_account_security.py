# Security settings of an account: require two-factor authentication, and the session timeout.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='session_timeout',
            field=models.PositiveIntegerField(blank=True, choices=[(30, '30 minutes'), (60, '1 hour'), (240, '4 hours'), (480, '8 hours'), (720, '12 hours'), (1440, '24 hours')], null=True),
        ),
        migrations.AddField(
            model_name='account',
            name='two_factor_required',
            field=models.BooleanField(default=False),
        ),
    ]
