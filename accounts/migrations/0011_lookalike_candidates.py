from django.db import migrations

# The channels sharing a key with the question's lookup keys, by the GIN index and nothing else:
# the planner cannot tell how few rows hold one of these hashes (its statistics keep only the most
# common ones), guesses half a percent of the table and would rather read it all. A function's own
# SET keeps that choice inside it, so the question is one statement, not a transaction of five.
CREATE = """
CREATE FUNCTION lookalike_candidates(integer[]) RETURNS SETOF bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 50
SET enable_seqscan = off
AS $fn$ SELECT channel_id FROM accounts_lookalikekeys WHERE keys && $1 $fn$;
"""
DROP = "DROP FUNCTION IF EXISTS lookalike_candidates(integer[]);"


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_lookalike_index'),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
