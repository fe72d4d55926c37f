#!/usr/bin/env bash
# Run a few long jobs at the same time, each into its own log, then show them one after
# the other: `scripts/parallel.sh NAME COMMAND [NAME COMMAND ...]`.
# Every job must succeed (any non-zero exit fails, pytest's 5 "no tests collected" too).
# A passing job shows its log's last lines; a failing one shows its whole log.
set -uo pipefail

if [ $(( $# % 2 )) -ne 0 ] || [ $# -eq 0 ]; then
  echo "usage: $0 NAME COMMAND [NAME COMMAND ...]" >&2
  exit 2
fi

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/facilitator-test-logs.XXXXXX")
names=() pids=() logs=() started=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

i=0
while [ $# -gt 0 ]; do
  name=$1 command=$2
  shift 2
  log="$LOGS/$i.log"
  # Each job in its own process group, so Ctrl-C (or a stop) ends all of its processes.
  setsid bash -c "$command" >"$log" 2>&1 </dev/null &
  names+=("$name") pids+=($!) logs+=("$log") started+=("$(date +%s)")
  echo "== started: $name (log: $log)"
  i=$((i + 1))
done
echo "== ${#names[@]} jobs run side by side; each one's output is shown when all have ended"

status=0 failed=() summary=()
declare -A index
for i in "${!pids[@]}"; do index[${pids[$i]}]=$i; done
running=("${pids[@]}")
while [ ${#running[@]} -gt 0 ]; do
  # Whichever ends next (bash 5.1+); its line is printed as it ends.
  wait -n -p done_pid "${running[@]}"
  code=$?
  i=${index[$done_pid]}
  left=()
  for pid in "${running[@]}"; do [ "$pid" != "$done_pid" ] && left+=("$pid"); done
  running=("${left[@]}")
  took=$(( $(date +%s) - ${started[$i]} ))
  if [ "$code" -eq 0 ]; then
    summary+=("passed  ${names[$i]} (${took} s)")
  else
    status=1 failed+=("$i")
    summary+=("FAILED  ${names[$i]} (exit $code, ${took} s; log: ${logs[$i]})")
  fi
  echo "== ${summary[-1]}"
done

for i in "${!pids[@]}"; do
  echo
  if [[ " ${failed[*]:-} " == *" $i "* ]]; then
    echo "==================== ${names[$i]}: FAILED — its whole output ===================="
    cat "${logs[$i]}"
  else
    echo "==================== ${names[$i]}: passed — the end of its output ================"
    tail -n 40 "${logs[$i]}"
  fi
done
echo
echo "==================== summary ===================="
printf '%s\n' "${summary[@]}"
[ "$status" -eq 0 ] && rm -rf "$LOGS"
exit "$status"
