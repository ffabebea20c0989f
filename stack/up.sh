#!/usr/bin/env bash
# Starts whatever part of the local stack is not running: Postgres, Redis, Kafka (KRaft), Apicurio
# schema registry. Safe to run again: running services are left alone. Jars come from Maven Central.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_postgres() {
  if pg_isready -q -h "$PGHOST_" -p "$PGPORT_"; then return; fi
  log "postgres is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  wait_for 30 postgres pg_isready -q -h "$PGHOST_" -p "$PGPORT_"
}

ensure_redis() {
  if redis-cli -h "$REDIS_HOST_" -p "$REDIS_PORT_" ping >/dev/null 2>&1; then return; fi
  log "redis is down; starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT_" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 15 redis redis-cli -h "$REDIS_HOST_" -p "$REDIS_PORT_" ping
}

kafka_ready() { node "$STACK_ROOT/probe.mjs" kafka "127.0.0.1:$KAFKA_PORT"; }
registry_ready() { node "$STACK_ROOT/probe.mjs" registry "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"; }

ensure_kafka() {
  local dir="$STATE_DIR/kafka"
  if port_open 127.0.0.1 "$KAFKA_PORT" && kafka_ready; then log "kafka already up on :$KAFKA_PORT"; return; fi
  mkdir -p "$dir"
  local pom="$STACK_ROOT/kafka/pom.xml"
  local libs="$CACHE_DIR/kafka-libs-$(sha1sum "$pom" | cut -c1-12)"
  if [ ! -f "$libs/.complete" ]; then
    log "resolving Kafka jars from Maven Central into $libs"
    mvn -B -q -f "$pom" "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
      -DoutputDirectory="$libs" -DincludeScope=runtime
    touch "$libs/.complete"
  fi
  sed -e "s#@DATA_DIR@#$dir/data#" -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      "$STACK_ROOT/kafka/server.properties" > "$dir/server.properties"
  local java=(java -Xms256m -Xmx768m -XX:+UseG1GC -cp "$libs/*")
  if [ ! -f "$dir/data/meta.properties" ]; then
    log "formatting Kafka storage in $dir/data"
    "${java[@]}" kafka.tools.StorageTool format --standalone \
      -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; exit 1; }
  fi
  log "starting Kafka on :$KAFKA_PORT (log: $dir/kafka.log)"
  nohup "${java[@]}" kafka.Kafka "$dir/server.properties" </dev/null >"$dir/kafka.log" 2>&1 &
  echo $! >"$dir/pid"
  WAIT_PIDFILE="$dir/pid" wait_for 120 kafka kafka_ready || { tail -40 "$dir/kafka.log" >&2; exit 1; }
  log "kafka ready"
}

ensure_registry() {
  local dir="$STATE_DIR/registry"
  if port_open 127.0.0.1 "$REGISTRY_PORT" && registry_ready; then log "registry already up on :$REGISTRY_PORT"; return; fi
  mkdir -p "$dir"
  local java21
  java21=$(find_java21) || { log "Apicurio Registry $APICURIO_VERSION needs Java 21+; none found (set REGISTRY_JAVA_HOME)"; exit 1; }
  local home="$CACHE_DIR/apicurio-$APICURIO_VERSION"
  if [ ! -f "$home/quarkus-run.jar" ]; then
    log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central"
    mvn -B -q "$MAVEN_DEPENDENCY_PLUGIN:copy" \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" -DoutputDirectory="$CACHE_DIR"
    mkdir -p "$home.tmp" && tar xzf "$CACHE_DIR/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$home.tmp"
    rm -rf "$home" && mv "$home.tmp" "$home" && rm -f "$CACHE_DIR/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  fi
  # Durable storage: the registry keeps its schemas in Postgres, so ids survive restarts.
  if ! psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres -tAc \
      "select 1 from pg_database where datname='$REGISTRY_DB'" | grep -q 1; then
    psql -q -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres -c "create database $REGISTRY_DB"
  fi
  log "starting Apicurio Registry on :$REGISTRY_PORT (log: $dir/registry.log)"
  APICURIO_STORAGE_KIND=sql APICURIO_STORAGE_SQL_KIND=postgresql \
  APICURIO_DATASOURCE_URL="jdbc:postgresql://$PGHOST_:$PGPORT_/$REGISTRY_DB" \
  APICURIO_DATASOURCE_USERNAME="$PGUSER_" APICURIO_DATASOURCE_PASSWORD="${PGPASSWORD:-unused}" \
  nohup "$java21" -Xms128m -Xmx512m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.enabled=false -jar "$home/quarkus-run.jar" </dev/null >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/pid"
  WAIT_PIDFILE="$dir/pid" wait_for 180 registry registry_ready || { tail -40 "$dir/registry.log" >&2; exit 1; }
  log "registry ready"
}

ensure_postgres
ensure_redis
ensure_kafka
ensure_registry
