"""The indexes of the public lists' orders, and the trigram indexes (where pg_trgm is), built after 0011.

0011 rewrote every channel; in its own transaction an index would also hold each row's old version
(twice the size, and a trigram search of a million channels ten times slower), so they are built here,
in the next transaction. Then the planner's statistics of the new columns, which decide between the
directory's index and the trigram indexes.
"""
from django.db import migrations, models
from django.db.models.expressions import F, OrderBy

TRIGRAM_INDEXES = [
    "CREATE INDEX IF NOT EXISTS channel_search_trgm ON accounts_channel USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS channel_own_search_trgm ON accounts_channel USING gin (own_search_text gin_trgm_ops)",
]


def trigram_indexes(apps, schema_editor):
    """Where the database has pg_trgm (0008 created it if it could); nothing (a scan) where it has not."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            for statement in TRIGRAM_INDEXES:
                cursor.execute(statement)


def directory_index(language: str) -> models.Index:
    return models.Index(
        F(f"entity_name_{language}"), OrderBy(F(f"official_name_{language}"), nulls_first=True),
        F("platform"), F("handle_key"), F("id"),
        condition=models.Q(("status__in", ["approved", "compromised"])), name=f"channel_directory_{language}",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0014_owner_names"),
    ]

    operations = [
        migrations.RunPython(trigram_indexes, migrations.RunPython.noop),
        migrations.AddIndex(model_name="channel", index=directory_index("ar")),
        migrations.AddIndex(model_name="channel", index=directory_index("en")),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                condition=models.Q(("status__in", ["approved", "retired", "compromised"])),
                fields=["platform", "handle_key", "id"], name="channel_public_order",
            ),
        ),
        migrations.RunSQL("ANALYZE accounts_channel, entities_entity", migrations.RunSQL.noop),
    ]
