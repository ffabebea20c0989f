#!/usr/bin/env bash
# One line per local service: up or down, and where. Exits non-zero when anything is down.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
down=0
report() { if "${@:3}" >/dev/null 2>&1; then echo "up    $1  $2"; else echo "down  $1  $2"; down=1; fi; }
report postgres "$PGHOST_:$PGPORT_" pg_isready -q -h "$PGHOST_" -p "$PGPORT_"
report redis    "$REDIS_HOST_:$REDIS_PORT_" redis-cli -h "$REDIS_HOST_" -p "$REDIS_PORT_" ping
report kafka    "127.0.0.1:$KAFKA_PORT" node "$STACK_ROOT/probe.mjs" kafka "127.0.0.1:$KAFKA_PORT"
report registry "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7" node "$STACK_ROOT/probe.mjs" registry "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
exit $down
