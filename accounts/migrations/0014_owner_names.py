"""The owner's names on the channel, kept by the database, and the indexes of the public lists' orders.

The trigger that keeps `Channel.search_text` (0008) already reads the entity's and the official's
names on every insert, on every change of owner, and (through the rename triggers) whenever an
owner is renamed: it now also copies them onto the channel, so no write path can forget them. The
directory sorts by them through an index (0012) instead of sorting every match by a joined table's column.

It also keeps `own_search_text`: the words of the search text that the entity's own names (its
`Entity.search_text`) do not contain. A channel matches a word its entity's names lack only through
these words, so the directory finds such channels by this column's trigram index, and the channels
of entities holding every word by the entity (accounts/public/directory.py).

Filling a large register rewrites every channel once: the trigram index is dropped for it, and built
again by 0012 with the indexes of the public lists' orders, once this transaction has committed (built
in it, they would hold every channel twice: a million channels, 4.5 minutes here).
"""
from django.db import migrations, models

from accounts.search import NORMALIZE_FUNCTION

NAMES = ["entity_name_ar", "entity_name_en", "official_name_ar", "official_name_en"]

# The words of the search text that the entity's own normalised names do not contain.
OWN_WORDS = ("coalesce((SELECT string_agg(word, ' ') FROM regexp_split_to_table({search_text}, ' ') AS word "
             "WHERE strpos(coalesce({owner}, ''), word) = 0), '')")

# The same search text as 0008's (NULL for no official, so concat_ws leaves it out), and the names.
FUNCTION = f"""
CREATE OR REPLACE FUNCTION accounts_channel_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner text;
BEGIN
    SELECT name_ar, name_en, search_text INTO NEW.entity_name_ar, NEW.entity_name_en, owner
        FROM entities_entity WHERE id = NEW.entity_id;
    SELECT name_ar, name_en INTO NEW.official_name_ar, NEW.official_name_en
        FROM entities_official WHERE id = NEW.official_id;
    NEW.search_text := {NORMALIZE_FUNCTION}(concat_ws(' ', NEW.handle, NEW.display_name,
        concat_ws(' ', NEW.entity_name_ar, NEW.entity_name_en),
        CASE WHEN NEW.official_id IS NOT NULL THEN concat_ws(' ', NEW.official_name_ar, NEW.official_name_en) END));
    NEW.own_search_text := {OWN_WORDS.format(search_text="NEW.search_text", owner="owner")};
    RETURN NEW;
END;
$$;
DROP TRIGGER accounts_channel_search_text ON accounts_channel;
CREATE TRIGGER accounts_channel_search_text
    BEFORE INSERT OR UPDATE OF handle, display_name, entity_id, official_id, search_text, {", ".join(NAMES)}, own_search_text
    ON accounts_channel FOR EACH ROW EXECUTE FUNCTION accounts_channel_search_text();
"""

REVERSE = f"""
CREATE OR REPLACE FUNCTION accounts_channel_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := {NORMALIZE_FUNCTION}(concat_ws(' ', NEW.handle, NEW.display_name,
        (SELECT concat_ws(' ', name_ar, name_en) FROM entities_entity WHERE id = NEW.entity_id),
        (SELECT concat_ws(' ', name_ar, name_en) FROM entities_official WHERE id = NEW.official_id)));
    RETURN NEW;
END;
$$;
DROP TRIGGER accounts_channel_search_text ON accounts_channel;
CREATE TRIGGER accounts_channel_search_text
    BEFORE INSERT OR UPDATE OF handle, display_name, entity_id, official_id, search_text ON accounts_channel
    FOR EACH ROW EXECUTE FUNCTION accounts_channel_search_text();
DROP INDEX IF EXISTS channel_own_search_trgm;
"""

# Before the new trigger exists: copying the names leaves the search text as it is.
FILL = f"""
UPDATE accounts_channel AS c
SET (entity_name_ar, entity_name_en) = (SELECT name_ar, name_en FROM entities_entity WHERE id = c.entity_id),
    (official_name_ar, official_name_en) = (SELECT name_ar, name_en FROM entities_official WHERE id = c.official_id),
    own_search_text = {OWN_WORDS.format(search_text="c.search_text",
                                        owner="(SELECT search_text FROM entities_entity WHERE id = c.entity_id)")};
"""

def fill(apps, schema_editor):
    """The names and own words of every channel, with the trigram index dropped (0012 builds it again, after
    this transaction: built here, it would also index every row's old version)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS channel_search_trgm")
        cursor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0013_channel_figures"),
        ("entities", "0005_entity_search_text"),
    ]

    operations = [
        *[migrations.AddField(
            model_name="channel", name=name,
            field=models.CharField(editable=False, max_length=200, null=True, verbose_name=verbose),
        ) for name, verbose in zip(NAMES, ["entity (Arabic)", "entity (English)", "official (Arabic)",
                                           "official (English)"], strict=True)],
        migrations.AddField(
            model_name="channel", name="own_search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text beyond the entity"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL(FUNCTION, reverse_sql=REVERSE),
    ]
