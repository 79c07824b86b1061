"""Channel.search_text: what a channel may be searched by, normalised, kept by the database.

Triggers fill it on every insert and on every update of the columns it is made of, and again when
an entity or official is renamed, so a search reads one stored column instead of folding every
row's names on every query. Where the server has pg_trgm (a trusted extension, so the database's
owner may create it), a trigram index serves the "contains every word" search; on a server without
it (the embedded PostgreSQL of `make run`), the same query scans the stored column.
"""
from django.db import migrations, models, transaction

from accounts.search import NORMALIZE_FUNCTION, normalize_function_sql

TRIGGERS = f"""
CREATE FUNCTION accounts_channel_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := {NORMALIZE_FUNCTION}(concat_ws(' ', NEW.handle, NEW.display_name,
        (SELECT concat_ws(' ', name_ar, name_en) FROM entities_entity WHERE id = NEW.entity_id),
        (SELECT concat_ws(' ', name_ar, name_en) FROM entities_official WHERE id = NEW.official_id)));
    RETURN NEW;
END;
$$;
CREATE TRIGGER accounts_channel_search_text
    BEFORE INSERT OR UPDATE OF handle, display_name, entity_id, official_id, search_text ON accounts_channel
    FOR EACH ROW EXECUTE FUNCTION accounts_channel_search_text();

-- A renamed entity or official: its channels' search text again (the trigger above recomputes it).
CREATE FUNCTION entities_owner_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'entities_entity' THEN
        UPDATE accounts_channel SET search_text = '' WHERE entity_id = NEW.id;
    ELSE
        UPDATE accounts_channel SET search_text = '' WHERE official_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER entities_entity_renamed AFTER UPDATE OF name_ar, name_en ON entities_entity
    FOR EACH ROW WHEN (OLD.name_ar IS DISTINCT FROM NEW.name_ar OR OLD.name_en IS DISTINCT FROM NEW.name_en)
    EXECUTE FUNCTION entities_owner_renamed();
CREATE TRIGGER entities_official_renamed AFTER UPDATE OF name_ar, name_en ON entities_official
    FOR EACH ROW WHEN (OLD.name_ar IS DISTINCT FROM NEW.name_ar OR OLD.name_en IS DISTINCT FROM NEW.name_en)
    EXECUTE FUNCTION entities_owner_renamed();

UPDATE accounts_channel SET search_text = '';
"""

DROP = f"""
DROP INDEX IF EXISTS channel_search_trgm;
DROP TRIGGER IF EXISTS entities_official_renamed ON entities_official;
DROP TRIGGER IF EXISTS entities_entity_renamed ON entities_entity;
DROP FUNCTION IF EXISTS entities_owner_renamed();
DROP TRIGGER IF EXISTS accounts_channel_search_text ON accounts_channel;
DROP FUNCTION IF EXISTS accounts_channel_search_text();
DROP FUNCTION IF EXISTS {NORMALIZE_FUNCTION}(text);
"""


def install_normalize(apps, schema_editor):
    schema_editor.execute(normalize_function_sql(schema_editor.connection))


def trigram_index(apps, schema_editor):
    """The trigram index, where the server can have pg_trgm; nothing (a scan) where it cannot."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 -- not allowed to create it here: search still works, by scan
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS channel_search_trgm ON accounts_channel "
                       "USING gin (search_text gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_impostor_radar"),
        ("entities", "0004_membership_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(install_normalize, migrations.RunPython.noop),
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP),
        migrations.RunPython(trigram_index, migrations.RunPython.noop),
    ]
