#!/bin/sh
# Runs once, on a fresh volume, as the superuser: one role and database for the application,
# one role and two databases for Temporal. Neither role can touch the other's data.
set -eu
app_password=$(cat /run/secrets/app_db_password)
temporal_password=$(cat /run/secrets/temporal_db_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$app_password" -v temporal_password="$temporal_password" <<'SQL'
CREATE ROLE propertyaudit LOGIN PASSWORD :'app_password';
CREATE DATABASE propertyaudit OWNER propertyaudit;
REVOKE ALL ON DATABASE propertyaudit FROM PUBLIC;
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;
SQL
