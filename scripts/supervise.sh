#!/usr/bin/env bash
# Runs a command and starts it again whenever it exits, saying how it ended (make run's api).
#   supervise.sh NAME LOG CMD [ARG...]     CMD's stderr is appended to LOG
# After an exit it waits 1 s, doubling each time the command dies within a minute of starting,
# at most 30 s. Each exit is reported on stderr and as a JSON line in LOG. SIGTERM (or SIGINT)
# stops the command with SIGTERM, waits for it and ends the loop.
set -uo pipefail
name=$1 log=$2
shift 2
child=
stop() {
  trap - TERM INT
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT

delay=1
while :; do
  started=$SECONDS
  "$@" 2>>"$log" &
  child=$!
  wait "$child"
  st=$?
  ran=$((SECONDS - started))
  how="exit status $st"
  ((st > 128)) && how="signal $(kill -l $((st - 128))) (status $st)"
  ((ran >= 60)) && delay=1
  msg="$name exited with $how after ${ran}s; restarting it in ${delay}s"
  echo "supervise: $msg" >&2
  printf '{"ts":"%s","lvl":"error","mod":"supervise","msg":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$msg" >>"$log"
  sleep "$delay" &
  child=$!
  wait "$child"
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
