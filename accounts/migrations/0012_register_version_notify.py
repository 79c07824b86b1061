from django.db import migrations

# Each bump of the register's version also tells whoever listens (accounts/public/version_listener.py),
# at commit: PostgreSQL delivers a notification only when its transaction commits, and delivers one
# per transaction however many statements bumped, as the payload never differs.
INSTALL = """
CREATE OR REPLACE FUNCTION accounts_register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts_registerversion (id, number, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET number = accounts_registerversion.number + 1, changed_at = clock_timestamp();
    PERFORM pg_notify('accounts_register_version', '');
    RETURN NULL;
END;
$$;
"""

# The function of 0009_register_version, without the notification.
REMOVE = """
CREATE OR REPLACE FUNCTION accounts_register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts_registerversion (id, number, changed_at) VALUES (1, 1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET number = accounts_registerversion.number + 1, changed_at = clock_timestamp();
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_lookalike_candidates'),
    ]

    operations = [
        migrations.RunSQL(INSTALL, reverse_sql=REMOVE),
    ]
