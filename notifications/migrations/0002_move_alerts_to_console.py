"""Alert settings now belong to the console app (same tables)."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('console', '0001_initial'),
        ('notifications', '0001_initial'),
    ]

    # The tables and their rows stay where they are; only Django's state moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='alertsetting',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='alertsetting',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='AlertFired',
                ),
                migrations.DeleteModel(
                    name='AlertSetting',
                ),
            ],
        ),
    ]
