import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from accounts.lookalikes import lookalike_keys

BATCH = 5000


def fill(apps, schema_editor):
    """The keys of every channel already registered, 5,000 at a time (a million in a few minutes)."""
    Channel = apps.get_model("accounts", "Channel")
    LookalikeKeys = apps.get_model("accounts", "LookalikeKeys")
    last = 0
    while True:
        channels = Channel._default_manager.filter(pk__gt=last).order_by("pk")
        batch = list(channels.values_list("pk", "platform", "handle_key")[:BATCH])
        if not batch:
            return
        LookalikeKeys.objects.bulk_create(
            [LookalikeKeys(channel_id=pk, keys=lookalike_keys(platform, handle_key)) for pk, platform, handle_key in batch],
            ignore_conflicts=True,
        )
        last = batch[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_register_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='LookalikeKeys',
            fields=[
                ('channel', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='lookalike_keys', serialize=False, to='accounts.channel', verbose_name='channel')),
                ('keys', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None, verbose_name='keys')),
            ],
            options={
                'verbose_name': 'look-alike keys',
                'verbose_name_plural': 'look-alike keys',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        # Built once over the filled table: faster than growing it row by row.
        migrations.AddIndex(
            model_name='lookalikekeys',
            index=django.contrib.postgres.indexes.GinIndex(fastupdate=False, fields=['keys'], name='lookalike_keys_gin'),
        ),
    ]
