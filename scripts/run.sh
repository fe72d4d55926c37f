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
  kill -INT "$worker" 2>/dev/null  # the worker finishes what it is doing
  kill -TERM "$web" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Whichever ends first ends the pair.
wait -n "$web" "$worker"
status=$?
exit "$status"
