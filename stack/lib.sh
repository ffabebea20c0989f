# Shared settings for the stack scripts. Everything lives outside the checkout so that a fresh
# clone reuses the downloaded jars (~/.m2 and the cache) and never commits them.
STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${OMNISTREAM_CACHE:-$HOME/.cache/omnistream}"
STATE_DIR="${OMNISTREAM_STATE:-$CACHE_DIR/state}"
KAFKA_PORT="${OMNISTREAM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${OMNISTREAM_KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${OMNISTREAM_REGISTRY_PORT:-8081}"
APICURIO_VERSION="3.3.3"
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
PGHOST_="${PGHOST:-127.0.0.1}"
PGPORT_="${PGPORT:-5432}"
PGUSER_="${PGUSER:-postgres}"
REGISTRY_DB="${OMNISTREAM_REGISTRY_DB:-omnistream_registry}"
REDIS_HOST_="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT_="${REDIS_PORT:-6379}"

mkdir -p "$CACHE_DIR" "$STATE_DIR"

log() { printf '[stack] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for <seconds> <description> <command...>: polls until the command succeeds; gives up early
# when WAIT_PIDFILE names a process that has died.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then log "$what did not become ready in ${seconds}s"; return 1; fi
    if [ -n "${WAIT_PIDFILE:-}" ] && ! pid_alive "$WAIT_PIDFILE"; then log "$what exited during start-up"; return 1; fi
    sleep 0.5
  done
}

# Apicurio Registry 3.x is compiled for Java 21+. The machines' default java is 17 (fine for Kafka),
# so look for a newer JDK: $REGISTRY_JAVA_HOME, then JAVA_HOME, then any JDK under /usr/lib/jvm.
find_java21() {
  local candidate version
  for candidate in ${REGISTRY_JAVA_HOME:+"$REGISTRY_JAVA_HOME/bin/java"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java "$(command -v java)"; do
    [ -x "$candidate" ] || continue
    version=$("$candidate" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}
