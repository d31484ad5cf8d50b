import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auditlog', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['account', 'id'], name='event_account_id_idx'),
        ),
        migrations.AddIndex(
            model_name='savedview',
            index=models.Index(fields=['account', 'sharing'], name='savedview_sharing_idx'),
        ),
        migrations.AddConstraint(
            model_name='savedview',
            constraint=models.UniqueConstraint(models.F('account'), models.F('owner'), django.db.models.functions.text.Lower('name'), name='savedview_name_unique'),
        ),
    ]
