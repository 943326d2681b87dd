#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at $TEST_DATABASE_URL for the test suite:
# start the local cluster when it is installed but stopped; install it when missing.
set -euo pipefail
url=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/test}
SUDO=${SUDO:-}
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL is not installed; installing it from the system packages."
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql
fi
if ! ready; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting the local PostgreSQL $version cluster."
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
ready || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
# A fresh Debian cluster wants a password over TCP: give the local superuser the one in the URL.
if ! psql "$url" -qtAc "select 1" >/dev/null 2>&1; then
  password=$(python3 -c "import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).password or '')" "$url")
  $SUDO -u postgres psql -qc "ALTER USER postgres PASSWORD '$password'" 2>/dev/null \
    || su postgres -c "psql -qc \"ALTER USER postgres PASSWORD '$password'\""
  dbname=$(python3 -c "import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).path.lstrip('/'))" "$url")
  su postgres -c "createdb $dbname" 2>/dev/null || true
fi
psql "$url" -qtAc "select 1" >/dev/null && echo "PostgreSQL ready at 127.0.0.1:5432."
