#!/usr/bin/env bash
# Starts and stops a local multi-process DistCache cluster.
#
#   scripts/cluster.sh start 3                    # 3 silos, localhost clustering (silo 0 holds membership)
#   scripts/cluster.sh start 3 127.0.0.1:6379     # 3 silos, Redis membership at that address
#   scripts/cluster.sh status
#   scripts/cluster.sh kill 1                     # kill -9 silo 1 (a crash)
#   scripts/cluster.sh stop                       # SIGTERM every silo: they hand their keys off and exit
#
# Silo i listens on 127.0.0.1:(11111+i), gateway (30000+i). Logs and pids live in .cluster/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.cluster"
bin="$state/bin"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

start() {
  local count=${1:-3} redis=${2:-}
  mkdir -p "$state"
  dotnet build "$root/DistCache.Silo" -c Release -o "$bin" -v quiet -nologo >/dev/null
  for ((i = 0; i < count; i++)); do
    local args=(--Silo:SiloPort $((11111 + i)) --Silo:GatewayPort $((30000 + i)))
    if [ -n "$redis" ]; then
      args+=(--Silo:Clustering Redis --Silo:Redis "$redis")
    else
      args+=(--Silo:PrimarySiloPort 11111)
    fi
    (cd "$bin" && exec dotnet DistCache.Silo.dll "${args[@]}") >"$state/silo-$i.log" 2>&1 &
    echo $! >"$state/silo-$i.pid"
    # The primary must be up before the others join it.
    wait_ready "$i"
  done
  status
}

wait_ready() {
  local i=$1
  for _ in $(seq 1 120); do
    grep -q "DistCache silo ready" "$state/silo-$i.log" 2>/dev/null && return 0
    kill -0 "$(cat "$state/silo-$i.pid")" 2>/dev/null || { echo "silo $i exited; see $state/silo-$i.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "silo $i not ready after 60 s; see $state/silo-$i.log" >&2
  exit 1
}

status() {
  shopt -s nullglob
  for pidfile in "$state"/silo-*.pid; do
    local i=${pidfile##*/silo-}; i=${i%.pid}
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "silo $i: running (pid $(cat "$pidfile"), port $((11111 + i)), gateway $((30000 + i)))"; else echo "silo $i: stopped"; fi
  done
}

signal() {
  local sig=$1 i=$2
  local pidfile="$state/silo-$i.pid"
  [ -f "$pidfile" ] && kill "-$sig" "$(cat "$pidfile")" 2>/dev/null || true
}

stop() {
  shopt -s nullglob
  for pidfile in "$state"/silo-*.pid; do
    local i=${pidfile##*/silo-}; i=${i%.pid}
    signal TERM "$i"
  done
  for pidfile in "$state"/silo-*.pid; do
    local pid; pid=$(cat "$pidfile")
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  kill) signal KILL "${2:?which silo}" ;;
  *) usage ;;
esac
