"""ChannelFigures: channels and followers per entity, official, platform and status, kept by the database
(and PlatformFigures, the same per platform and status only, for the register's totals).

Statement-level triggers with transition tables on accounts_channel add what each statement wrote
and take away what it replaced or deleted, in the same transaction, so every write path (services,
admin, the follower refresh's bulk UPDATE, bulk loads) keeps the figures exact and readers see them
change exactly when they see the channels change. SummaryEdition: the public summary's growth, as
last computed in the background; writing one bumps the register's version, so the cached public
pages show it at once.
"""

import django.db.models.deletion
from django.db import migrations, models


KEY = "entity_id, coalesce(official_id, 0), platform, status"

# What one statement changed, per key: +1 channel and its followers for each row written, -1 for each
# row replaced or deleted. An update that touches no counted column (most of the refresh's columns,
# the search text) nets to nothing and writes no row.
DELTAS = {
    "INSERT": "SELECT entity_id, official_id, platform, status, 1 AS channels, coalesce(followers, 0) AS followers "
              "FROM new_rows",
    "DELETE": "SELECT entity_id, official_id, platform, status, -1 AS channels, -coalesce(followers, 0) AS followers "
              "FROM old_rows",
}
DELTAS["UPDATE"] = DELTAS["INSERT"] + " UNION ALL " + DELTAS["DELETE"]


def _function(operation: str) -> str:
    # The deltas are applied in the key's order. Besides, these triggers are named to fire after
    # accounts_channel_register_changed (a table's triggers for one event fire in name order), so a
    # writer already holds the register version's row, which every public write takes and keeps to
    # its commit, before it touches a figures row: two transactions (two refresh workers updating
    # channels of the same entities) can never hold figures rows crosswise, and the figures add no
    # wait the version did not already impose.
    return f"""
CREATE FUNCTION accounts_channel_figures_{operation.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts_channelfigures AS figures (entity_id, official_id, platform, status, channels, followers)
    SELECT entity_id, official_id, platform, status, sum(channels), sum(followers)
    FROM ({DELTAS[operation]}) AS delta
    GROUP BY entity_id, official_id, platform, status
    HAVING sum(channels) <> 0 OR sum(followers) <> 0
    ORDER BY entity_id, coalesce(official_id, 0), platform, status
    ON CONFLICT ({KEY}) DO UPDATE
        SET channels = figures.channels + EXCLUDED.channels, followers = figures.followers + EXCLUDED.followers;
    DELETE FROM accounts_channelfigures WHERE channels = 0;  -- through the partial index: the keys just emptied
    INSERT INTO accounts_platformfigures AS figures (platform, status, channels, followers)
    SELECT platform, status, sum(channels), sum(followers)
    FROM ({DELTAS[operation]}) AS delta
    GROUP BY platform, status
    HAVING sum(channels) <> 0 OR sum(followers) <> 0
    ORDER BY platform, status
    ON CONFLICT (platform, status) DO UPDATE
        SET channels = figures.channels + EXCLUDED.channels, followers = figures.followers + EXCLUDED.followers;
    RETURN NULL;
END;
$$;
"""


TRANSITIONS = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
               "DELETE": "OLD TABLE AS old_rows"}

INSTALL = f"""
CREATE UNIQUE INDEX channel_figures_key ON accounts_channelfigures ({KEY});
CREATE INDEX channel_figures_empty ON accounts_channelfigures (id) WHERE channels = 0;
""" + "".join(_function(operation) for operation in TRANSITIONS) + "".join(
    f"CREATE TRIGGER accounts_channel_register_figures_{operation.lower()} AFTER {operation} ON accounts_channel "
    f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION accounts_channel_figures_{operation.lower()}();\n"
    for operation, transition in TRANSITIONS.items()
) + f"""
CREATE FUNCTION accounts_channel_figures_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM accounts_channelfigures;
    DELETE FROM accounts_platformfigures;
    RETURN NULL;
END;
$$;
CREATE TRIGGER accounts_channel_register_figures_truncate AFTER TRUNCATE ON accounts_channel
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_channel_figures_truncate();

-- The channels already registered (the triggers above are in place and hold the table's lock until
-- this migration commits: no write can slip between the two).
INSERT INTO accounts_channelfigures (entity_id, official_id, platform, status, channels, followers)
SELECT entity_id, official_id, platform, status, count(*), coalesce(sum(followers), 0)
FROM accounts_channel GROUP BY entity_id, official_id, platform, status;
INSERT INTO accounts_platformfigures (platform, status, channels, followers)
SELECT platform, status, sum(channels), sum(followers) FROM accounts_channelfigures GROUP BY platform, status;
-- The planner's statistics of the filled tables now, not at autovacuum's next pass: without them it
-- reads every approved row's index entry to find one official's two rows.
ANALYZE accounts_channelfigures;
ANALYZE accounts_platformfigures;

-- A new edition of the public summary is a public change: the cached pages are drawn again with it.
CREATE TRIGGER accounts_summaryedition_register_changed AFTER INSERT ON accounts_summaryedition
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_register_changed();
"""

REMOVE = "DROP TRIGGER IF EXISTS accounts_summaryedition_register_changed ON accounts_summaryedition;\n" + "".join(
    f"DROP TRIGGER IF EXISTS accounts_channel_register_figures_{operation} ON accounts_channel;\n"
    f"DROP FUNCTION IF EXISTS accounts_channel_figures_{operation}();\n"
    for operation in ("insert", "update", "delete", "truncate")
) + "DROP INDEX IF EXISTS channel_figures_empty;\nDROP INDEX IF EXISTS channel_figures_key;\n"


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_register_version_notify'),
        ('entities', '0004_membership_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='SummaryEdition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('computed_at', models.DateTimeField(verbose_name='computed')),
                ('day', models.DateField(help_text='The day the growth is counted back from.', verbose_name='day')),
                ('register_number', models.BigIntegerField(help_text="The register's version the edition reflects: older than the register's, and the edition is computed again.", verbose_name='register version')),
                ('growth', models.JSONField(verbose_name='growth')),
            ],
            options={
                'verbose_name': 'summary edition',
                'verbose_name_plural': 'summary editions',
            },
        ),
        migrations.CreateModel(
            name='ChannelFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('platform', models.CharField(choices=[('x', 'X'), ('instagram', 'Instagram'), ('facebook', 'Facebook'), ('youtube', 'YouTube'), ('linkedin', 'LinkedIn'), ('tiktok', 'TikTok'), ('snapchat', 'Snapchat'), ('telegram', 'Telegram'), ('threads', 'Threads'), ('whatsapp', 'WhatsApp channel'), ('bluesky', 'Bluesky'), ('mastodon', 'Mastodon')], max_length=20, verbose_name='platform')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('changes_requested', 'Changes requested'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('retired', 'Retired'), ('compromised', 'Compromised')], max_length=20, verbose_name='status')),
                ('channels', models.BigIntegerField(verbose_name='channels')),
                ('followers', models.BigIntegerField(verbose_name='followers')),
                ('entity', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='channel_figures', to='entities.entity', verbose_name='entity')),
                ('official', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='channel_figures', to='entities.official', verbose_name='official')),
            ],
            options={
                'verbose_name': 'channel figures',
                'verbose_name_plural': 'channel figures',
                'indexes': [models.Index(fields=['status', 'entity'], name='channel_figures_status_entity')],
            },
        ),
        migrations.CreateModel(
            name='PlatformFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('platform', models.CharField(choices=[('x', 'X'), ('instagram', 'Instagram'), ('facebook', 'Facebook'), ('youtube', 'YouTube'), ('linkedin', 'LinkedIn'), ('tiktok', 'TikTok'), ('snapchat', 'Snapchat'), ('telegram', 'Telegram'), ('threads', 'Threads'), ('whatsapp', 'WhatsApp channel'), ('bluesky', 'Bluesky'), ('mastodon', 'Mastodon')], max_length=20, verbose_name='platform')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('changes_requested', 'Changes requested'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('retired', 'Retired'), ('compromised', 'Compromised')], max_length=20, verbose_name='status')),
                ('channels', models.BigIntegerField(verbose_name='channels')),
                ('followers', models.BigIntegerField(verbose_name='followers')),
            ],
            options={
                'verbose_name': 'platform figures',
                'verbose_name_plural': 'platform figures',
                'constraints': [models.UniqueConstraint(fields=('platform', 'status'), name='platform_figures_key')],
            },
        ),
        migrations.RunSQL(INSTALL, reverse_sql=REMOVE),
        migrations.AddIndex(
            model_name='channel',
            index=models.Index(condition=models.Q(('followers__isnull', False), ('status', 'approved')), fields=['-followers', 'id'], name='channel_largest'),
        ),
        migrations.AddIndex(
            model_name='channel',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['-approved_at', '-id'], name='channel_recent'),
        ),
    ]
