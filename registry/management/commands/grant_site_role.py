"""`manage.py grant_site_role ROLE`: give the database role the site runs as what it needs, and no more.

The site (web, worker, beat) connects as a role that owns no table, so it can neither drop nor
alter the triggers that keep the audit trail append-only; migrations run as the tables' owner,
which then runs this command (compose's `migrate` service). Safe to rerun after every migration.
See docs/configuration.md, "Database roles".
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables the site may not rewrite. The workflow's log only grows (the trigger in accounts/migrations
# refuses changes too; without the privilege the site cannot even try). A follower snapshot is
# updated by a refresh re-run the same day, so UPDATE; but the follower history is never deleted.
RESTRICTED = {
    "accounts_channelevent": ("SELECT", "INSERT"),
    "accounts_followersnapshot": ("SELECT", "INSERT", "UPDATE"),
}


class Command(BaseCommand):
    help = (
        "Grant the site's database role (which must own nothing) read and write on the tables, only "
        "SELECT and INSERT on the audit trail, never TRUNCATE, and the same on tables created later. "
        "Run it as the tables' owner after migrate; it is safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the site connects as, e.g. registry_site")

    def handle(self, *args, role: str, **options) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            owner = self._check(cursor, role)
            statements = self._statements(cursor, role=role, owner=owner)
            for statement in statements:
                cursor.execute(statement.as_string(connection.connection))
            cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])
            can_create = cursor.fetchone()[0]
        restricted = "; ".join(f"{table} only {', '.join(privileges)}" for table, privileges in RESTRICTED.items())
        self.stdout.write(self.style.SUCCESS(
            f"{role} may read and write the tables ({restricted}; no TRUNCATE anywhere), use the sequences, "
            f"and the same on tables {owner} creates later."
        ))
        if can_create:
            # PostgreSQL before 15 lets every role create tables in the public schema.
            self.stdout.write(self.style.WARNING(
                f"{role} can still create tables in this schema: as the schema's owner, run "
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC."
            ))

    def _check(self, cursor, role: str) -> str:
        """Refuse a role for which grants would mean nothing; return the tables' owner."""
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise CommandError(
                f"There is no database role {role}: create it first (deploy/postgres-init/ does so on a new "
                "database). Nothing was granted."
            )
        if found[0]:
            raise CommandError(f"{role} is a superuser, which no privilege binds. Nothing was granted.")
        cursor.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'django_migrations'"
        )
        found = cursor.fetchone()
        if found is None:
            raise CommandError("The database has no tables yet: run migrate first. Nothing was granted.")
        owner = found[0]
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if cursor.fetchone()[0]:
            raise CommandError(
                f"{role} is, or acts as, {owner}, the owner of the tables: it could drop the audit trail's "
                "triggers. The site needs a role of its own. Nothing was granted."
            )
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role]
        )
        if cursor.fetchone()[0]:
            raise CommandError(
                f"{role} owns tables in this database: the site's role must own none. Nothing was granted."
            )
        for table in RESTRICTED:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                raise CommandError(f"The table {table} is missing: run migrate first. Nothing was granted.")
        return owner

    def _statements(self, cursor, *, role: str, owner: str) -> list[sql.Composed]:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        ident = {"role": sql.Identifier(role), "owner": sql.Identifier(owner),
                 "database": sql.Identifier(database), "schema": sql.Identifier(schema)}

        def statement(text: str, **more) -> sql.Composed:
            return sql.SQL(text).format(**ident, **more)

        def privileges(names: tuple[str, ...]) -> sql.Composable:
            return sql.SQL(", ").join(sql.SQL(name) for name in names)

        # From nothing each time, in one transaction: a rerun ends in the same state, a failure changes nothing.
        statements = [
            statement("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}"),
            statement("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}"),
            statement("GRANT CONNECT ON DATABASE {database} TO {role}"),
            statement("GRANT USAGE ON SCHEMA {schema} TO {role}"),
            statement("GRANT {privileges} ON ALL TABLES IN SCHEMA {schema} TO {role}",
                      privileges=privileges(READ_WRITE)),
            statement("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"),
        ]
        for table, allowed in RESTRICTED.items():
            statements += [
                statement("REVOKE ALL ON {table} FROM {role}", table=sql.Identifier(schema, table)),
                statement("GRANT {privileges} ON {table} TO {role}",
                          privileges=privileges(allowed), table=sql.Identifier(schema, table)),
            ]
        # Tables and sequences a later migration creates (as the owner) come with the same grants;
        # a new table that must be restricted goes into RESTRICTED, and this command runs after migrate.
        statements += [
            statement("ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {privileges} ON TABLES "
                      "TO {role}", privileges=privileges(READ_WRITE)),
            statement("ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON "
                      "SEQUENCES TO {role}"),
        ]
        return statements
