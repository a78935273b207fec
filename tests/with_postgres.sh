#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on loopback, named by AMITY_TEST_POSTGRES_URL.
# Installs PostgreSQL with apt-get where it is missing (as root); the server and its data are
# removed when the command ends, whatever its outcome. With AMITY_TEST_POSTGRES_URL already set,
# the command runs against that server instead.
set -euo pipefail

if [ -n "${AMITY_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed: run 'sudo apt-get install postgresql', or set" \
      "AMITY_TEST_POSTGRES_URL to a server where the user may create databases." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG="$(pg_bin)"
DATA="$(mktemp -d /tmp/amity-test-pg.XXXXXX)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DATA"; fi
as_postgres "$PG/initdb" -D "$DATA" -A trust -U postgres >/dev/null
as_postgres "$PG/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
trap 'as_postgres "$PG/pg_ctl" -D "$DATA" -m fast stop >/dev/null; rm -rf "$DATA"' EXIT

export AMITY_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
"$@"
