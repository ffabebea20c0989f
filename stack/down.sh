#!/usr/bin/env bash
# Stops the Kafka broker and the registry started by stack/up.sh (Postgres and Redis are the
# machine's own services and are left running). Data stays in the state folder; --purge removes it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop() {
  local name=$1 pidfile="$STATE_DIR/$1/pid"
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 30s; killing"; kill -9 "$pid"; }
  else
    log "$name is not running"
  fi
  rm -f "$pidfile"
}

stop registry
stop kafka
if [ "${1:-}" = "--purge" ]; then
  log "removing $STATE_DIR"
  rm -rf "$STATE_DIR"
  psql -q -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres -c "drop database if exists $REGISTRY_DB" || true
fi
