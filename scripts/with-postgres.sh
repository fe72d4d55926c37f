#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster that this script starts
# and always stops: TEST_DATABASE_URL points the test suite at it.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ]; then
  echo "with-postgres: PostgreSQL is not installed; the PostgreSQL pass is skipped."
  echo "with-postgres: run 'make test' as root (it installs it), or install postgresql."
  exit 0
fi
PORT=${PGPORT_TEST:-54330}
PGDATA=$(mktemp -d /tmp/facilitator-pg.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Start on the first free port from PORT. A start can still fail when another process
# takes the port between the check and the start (the test servers use ports in the same
# range): then say why (the server's log) and try the next port, a few times.
started=""
for attempt in 1 2 3 4 5; do
  while (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do PORT=$((PORT + 1)); done
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 120 \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$PGDATA -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start >/dev/null; then
    started=yes
    break
  fi
  echo "with-postgres: the server did not start on port $PORT (try $attempt of 5); its log:"
  tail -n 20 "$PGDATA/log" || true
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  PORT=$((PORT + 1))
done
if [ -z "$started" ]; then
  echo "with-postgres: PostgreSQL would not start; giving up." >&2
  exit 1
fi
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres facilitator_test
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/facilitator_test"
"$@"
