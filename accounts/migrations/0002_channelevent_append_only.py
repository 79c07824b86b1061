"""ChannelEvent is the workflow's log: the database itself refuses to change or delete a row."""
from django.db import migrations

FORBID = """
CREATE FUNCTION channelevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts_channelevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER channelevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_channelevent
    FOR EACH ROW EXECUTE FUNCTION channelevent_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS channelevent_append_only ON accounts_channelevent;
DROP FUNCTION IF EXISTS channelevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunSQL(FORBID, reverse_sql=ALLOW)]
