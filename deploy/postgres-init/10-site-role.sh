#!/bin/sh
# Creates registry_site, the database role the site (web, worker, beat) connects as: it can log in and
# owns nothing, so it cannot drop or disable the audit trail's triggers. The postgres image runs this
# once, on an empty data volume (mounted at /docker-entrypoint-initdb.d/ by docker-compose.yml); the
# compose `migrate` service then grants it its privileges (manage.py grant_site_role) after each migrate.
# On a database created before this script existed, run the CREATE ROLE below by hand once.
set -e
if [ -z "$POSTGRES_SITE_PASSWORD" ]; then
    echo "10-site-role.sh: POSTGRES_SITE_PASSWORD is not set" >&2
    exit 1
fi
# The password goes in as a psql variable (:'site_password' quotes it), never into the SQL text.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v site_password="$POSTGRES_SITE_PASSWORD" <<'SQL'
CREATE ROLE registry_site LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'site_password';
-- Nobody else may connect to the register's database or create objects in its schema.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
