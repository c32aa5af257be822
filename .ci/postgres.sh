#!/usr/bin/env bash
# PostgreSQL for CI from Debian's packages: installs it if missing, creates and starts the
# cluster, and creates the role the test suite uses (gatehouse/gatehouse, LOGIN CREATEDB: each
# test suite creates and drops its own database). Idempotent: safe to run again.
#
# stdout carries exactly one line, the DATABASE_URL export, so callers can
#   eval "$(bash .ci/postgres.sh)"
# Everything else (apt, pg_ctlcluster) goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

ROLE=gatehouse
PASSWORD=gatehouse
CLUSTER=main

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
  as_postgres() { runuser -u postgres -- "$@"; }
else
  as_root() { sudo "$@"; }
  as_postgres() { sudo -u postgres "$@"; }
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  echo "installing PostgreSQL from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi

# The newest installed server version (Debian 12: 15).
VERSION=$(ls -d /usr/lib/postgresql/*/bin/postgres | awk -F/ '{ print $5 }' | sort -V | tail -n 1)

cluster_field() { # $1: column of pg_lsclusters (3 = port, 4 = status)
  pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}

# Package installs normally create the cluster, but not where policy-rc.d/containers skipped it.
if [ -z "$(cluster_field 4)" ]; then
  echo "creating cluster $VERSION/$CLUSTER"
  as_root pg_createcluster "$VERSION" "$CLUSTER"
fi
if [ "$(cluster_field 4)" != "online" ]; then
  echo "starting cluster $VERSION/$CLUSTER"
  # 3>&- : the server must not inherit our stdout pipe, or "$(bash .ci/postgres.sh)" never ends.
  as_root pg_ctlcluster "$VERSION" "$CLUSTER" start 3>&- </dev/null
fi
PORT=$(cluster_field 3)

for _ in $(seq 1 30); do
  if as_postgres psql -p "$PORT" -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 1
done

as_postgres psql -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -q <<SQL
DO \$\$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    ALTER ROLE $ROLE WITH LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    CREATE ROLE $ROLE WITH LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
-- PostgreSQL 15 no longer lets every role create in "public"; this keeps the printed URL usable
-- for running the migrations directly against the postgres database too.
GRANT CREATE, USAGE ON SCHEMA public TO $ROLE;
SQL

echo "PostgreSQL $VERSION/$CLUSTER is up on port $PORT; role $ROLE ready"
echo "export DATABASE_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres" >&3
