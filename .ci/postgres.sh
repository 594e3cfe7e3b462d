#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the ledger tests and print its DSN.
# Installs Debian's postgresql when the server binaries are missing. Runs the server as the
# `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
PORT="${TFATTEST_PG_PORT:-54329}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
data=$(mktemp -d /tmp/tfattest-pg.XXXXXX)
chown postgres "$data"
runuser -u postgres -- "$bindir/initdb" -D "$data/db" -A trust -U tfattest >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$data/db" -l "$data/log" -w \
  -o "-p $PORT -k $data -c listen_addresses=127.0.0.1" start >/dev/null
runuser -u postgres -- "$bindir/createdb" -h 127.0.0.1 -p "$PORT" -U tfattest tfattest_test
echo "postgresql://tfattest@127.0.0.1:$PORT/tfattest_test"
