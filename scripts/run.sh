#!/usr/bin/env bash
# Run one queue worker beside the web server: `scripts/run.sh <web server command...>`.
# The worker (huey_consumer, see facilitator/tasks.py) sends mail, reminders and builds
# packets. Ctrl-C (or TERM) stops both; if either one exits, the other is stopped too.
set -uo pipefail
BIN="$(dirname "$0")/../.venv/bin"
[ -x "$BIN/huey_consumer" ] || BIN="$(dirname "$(command -v python3)")"

"$BIN/huey_consumer" facilitator.worker.huey --workers "${WORKERS:-2}" --worker-type thread &
worker=$!
"$@" &
web=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web" 2>/dev/null
  # SIGINT lets the worker finish the task in hand; after 10 s (or if it was still
  # starting and ignores SIGINT, as background jobs of a script do) SIGTERM ends it.
  kill -INT "$worker" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$worker" 2>/dev/null || break; sleep 0.2; done
  kill -TERM "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Whichever ends first ends the pair.
wait -n "$web" "$worker"
status=$?
exit "$status"
