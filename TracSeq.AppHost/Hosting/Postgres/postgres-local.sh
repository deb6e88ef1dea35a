#!/usr/bin/env bash
# PostgreSQL for TracSeq's local infrastructure mode, started by the AppHost.
# First start: initialise the data directory. Every start: set the superuser password from the AppHost's
# parameter (so a regenerated secret never locks the data out), then exec the server on loopback only.
# Environment: PGBIN, PGDATA, PGPORT, POSTGRES_PASSWORD, PG_DURABLE (true|false).
set -euo pipefail

run_as_postgres=()
if [ "$(id -u)" = 0 ]; then
  # initdb and postgres refuse to run as root.
  run_as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
else
  mkdir -p "$PGDATA"
fi
chmod 700 "$PGDATA"

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  echo "Initialising a new PostgreSQL data directory in $PGDATA"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
  "${run_as_postgres[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --no-locale --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 > /dev/null
  rm -f "$pwfile"
fi

escaped=${POSTGRES_PASSWORD//\'/\'\'}
printf "ALTER ROLE postgres PASSWORD '%s'\n" "$escaped" |
  "${run_as_postgres[@]}" "$PGBIN/postgres" --single -D "$PGDATA" \
    -c log_min_error_statement=panic -c unix_socket_directories='' postgres > /dev/null

durability=()
if [ "${PG_DURABLE:-true}" = false ]; then
  durability=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

exec "${run_as_postgres[@]}" "$PGBIN/postgres" -D "$PGDATA" -p "$PGPORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 \
  -c log_min_error_statement=panic "${durability[@]}"
