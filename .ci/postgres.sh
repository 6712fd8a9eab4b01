#!/usr/bin/env bash
# Installs (if missing) and starts a local PostgreSQL for the state backend's tests, and
# prints the connection URL to use as GARRISON_TEST_PG_URL. Idempotent, and safe to run
# from several processes at once (the PostgreSQL tests run it when the URL is unset).
set -euo pipefail

# One at a time: concurrent pg_createcluster / createdb would race.
exec 9>"${TMPDIR:-/tmp}/garrison-postgres-setup.lock"
flock 9

# Root runs commands directly and becomes `postgres` with su; anyone else goes through sudo.
if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
  as_postgres() { su postgres -c "$*"; }
else
  as_root() { sudo "$@"; }
  as_postgres() { sudo -u postgres sh -c "$*"; }
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq postgresql >&2 9>&-
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  as_root pg_createcluster "$version" main >&2 9>&-
fi
if ! pg_lsclusters -h | grep "^$version main" | grep -q online; then
  # The server must not inherit the setup lock (fd 9), or it would hold it for its life.
  as_root pg_ctlcluster "$version" main start >&2 9>&-
fi

# Wait until it accepts connections.
for _ in $(seq 1 50); do
  if as_postgres "psql -qAt -c 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 0.2
done

as_postgres "psql -qAt" >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'garrison') THEN
    CREATE ROLE garrison LOGIN PASSWORD 'garrison-ci';
  END IF;
END $$;
SQL
if ! as_postgres "psql -qAt -c \"select 1 from pg_database where datname = 'garrison_test'\"" | grep -q 1; then
  as_postgres "createdb -O garrison garrison_test" >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
echo "postgres://garrison:garrison-ci@127.0.0.1:${port}/garrison_test"
