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

# TLS for the backend's sslmode tests: a test CA (its certificate world-readable at
# $tls_dir/ca.crt, where garrison-testkit looks), a server certificate for DNS:localhost
# only (so verify-full against 127.0.0.1 must fail), and a role `garrison_tls` that the
# server admits over TLS only (so a test can prove a connection used it).
tls_dir=/etc/postgresql/garrison-tls
if [ ! -s "$tls_dir/server.crt" ]; then
  work=$(mktemp -d)
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Garrison test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "$work/ext"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
    -CAcreateserial -days 3650 -extfile "$work/ext" -out "$work/server.crt" 2>/dev/null
  as_root mkdir -p "$tls_dir"
  as_root cp "$work/ca.crt" "$work/server.key" "$work/server.crt" "$tls_dir/"
  as_root chown postgres:postgres "$tls_dir/server.key" "$tls_dir/server.crt"
  as_root chmod 600 "$tls_dir/server.key"
  as_root chmod 644 "$tls_dir/ca.crt" "$tls_dir/server.crt"
  rm -rf "$work"
fi
hba=$(as_postgres "psql -qAt -c 'show hba_file'")
if ! as_root grep -q "garrison-tls-test" "$hba"; then
  rules='# garrison-tls-test (.ci/postgres.sh): garrison_tls connects over TLS only
hostssl   all garrison_tls 127.0.0.1/32 scram-sha-256
hostssl   all garrison_tls ::1/128      scram-sha-256
hostnossl all garrison_tls 0.0.0.0/0    reject
hostnossl all garrison_tls ::/0         reject'
  { echo "$rules"; as_root cat "$hba"; } > "${TMPDIR:-/tmp}/garrison-pg_hba.conf"
  as_root cp "${TMPDIR:-/tmp}/garrison-pg_hba.conf" "$hba"
  rm -f "${TMPDIR:-/tmp}/garrison-pg_hba.conf"
fi
as_postgres "psql -qAt" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'garrison_tls') THEN
    CREATE ROLE garrison_tls LOGIN PASSWORD 'garrison-ci' IN ROLE garrison;
  END IF;
END \$\$;
ALTER SYSTEM SET ssl = on;
ALTER SYSTEM SET ssl_cert_file = '$tls_dir/server.crt';
ALTER SYSTEM SET ssl_key_file = '$tls_dir/server.key';
SELECT pg_reload_conf();
SQL
# Wait until the reloaded server admits garrison_tls with a verified certificate.
tls_url="postgresql://garrison_tls:garrison-ci@localhost:${port}/garrison_test?sslmode=verify-full&sslrootcert=$tls_dir/ca.crt"
for _ in $(seq 1 50); do
  if psql -qAt "$tls_url" -c 'select 1' >/dev/null 2>&1; then break; fi
  sleep 0.2
done
psql -qAt "$tls_url" -c 'select 1' >/dev/null

echo "postgres://garrison:garrison-ci@127.0.0.1:${port}/garrison_test"
