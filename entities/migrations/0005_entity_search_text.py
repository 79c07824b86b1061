"""Entity.search_text: the entity's names normalised, kept by the database on every insert and rename."""
from django.db import migrations, models

from accounts.search import NORMALIZE_FUNCTION

TRIGGER = f"""
CREATE FUNCTION entities_entity_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := {NORMALIZE_FUNCTION}(concat_ws(' ', NEW.name_ar, NEW.name_en));
    RETURN NEW;
END;
$$;
CREATE TRIGGER entities_entity_search_text
    BEFORE INSERT OR UPDATE OF name_ar, name_en, search_text ON entities_entity
    FOR EACH ROW EXECUTE FUNCTION entities_entity_search_text();
UPDATE entities_entity SET search_text = '';
"""

DROP = """
DROP TRIGGER IF EXISTS entities_entity_search_text ON entities_entity;
DROP FUNCTION IF EXISTS entities_entity_search_text();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0004_membership_history"),
        ("accounts", "0008_search_text"),  # registry_normalize
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunSQL(TRIGGER, reverse_sql=DROP),
    ]
