# Shared settings for scripts/infra/*.sh. Sourced, not run.
# Everything lives under $DRIFTWATCH_INFRA_DIR: resolved jars, data, logs, pids. Its default is
# <repo>/.infra for the default Kafka port, and <repo>/.infra-<port> for another: a second set
# started beside the first on other ports (DW_KAFKA_PORT, ...) has pids and data of its own, and
# its down.sh stops it, never the first.
set -euo pipefail

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS/../.." && pwd)"

KAFKA_VERSION="3.9.1"            # keep in step with kafka-pom.xml
APICURIO_VERSION="3.0.9"            # 3.1+ needs Java 21; 3.0.x runs on Java 17
KAFKA_PORT="${DW_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${DW_KAFKA_CONTROLLER_PORT:-19093}"
REGISTRY_PORT="${DW_REGISTRY_PORT:-18081}"

if [ "$KAFKA_PORT" = 19092 ]; then DEFAULT_INFRA_DIR="$REPO_ROOT/.infra"; else DEFAULT_INFRA_DIR="$REPO_ROOT/.infra-$KAFKA_PORT"; fi
INFRA_DIR="${DRIFTWATCH_INFRA_DIR:-$DEFAULT_INFRA_DIR}"

KAFKA_HOME="$INFRA_DIR/kafka-$KAFKA_VERSION"
APICURIO_HOME="$INFRA_DIR/apicurio-$APICURIO_VERSION"
LOG_DIR="$INFRA_DIR/logs"
RUN_DIR="$INFRA_DIR/run"
KAFKA_LOG="$LOG_DIR/kafka.log"
REGISTRY_LOG="$LOG_DIR/registry.log"
KAFKA_PID="$RUN_DIR/kafka.pid"
REGISTRY_PID="$RUN_DIR/registry.pid"

say() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# True when the pid file names a live process.
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
