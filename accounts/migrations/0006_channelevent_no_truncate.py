"""ChannelEvent refuses TRUNCATE too: row triggers (0002) do not fire on it, so one statement could empty the log.

A TRUNCATE of another table that cascades to this one is refused as well (the trigger fires for every
table truncated). Whoever owns the table can still drop the trigger: the site runs as a role that does not.
"""
from django.db import migrations

FORBID = """
CREATE TRIGGER channelevent_no_truncate
    BEFORE TRUNCATE ON accounts_channelevent
    FOR EACH STATEMENT EXECUTE FUNCTION channelevent_append_only();
"""

ALLOW = "DROP TRIGGER IF EXISTS channelevent_no_truncate ON accounts_channelevent;"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_score_records")]
    operations = [migrations.RunSQL(FORBID, reverse_sql=ALLOW)]
