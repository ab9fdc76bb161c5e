# Shared settings for scripts/infra/*.sh. Sourced, not run.
# Everything lives under $DRIFTWATCH_INFRA_DIR (default: <repo>/.infra): resolved jars, data, logs, pids.
set -euo pipefail

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS/../.." && pwd)"
INFRA_DIR="${DRIFTWATCH_INFRA_DIR:-$REPO_ROOT/.infra}"

KAFKA_VERSION="3.9.1"            # keep in step with kafka-pom.xml
APICURIO_VERSION="3.0.9"            # 3.1+ needs Java 21; 3.0.x runs on Java 17
KAFKA_PORT="${DW_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${DW_KAFKA_CONTROLLER_PORT:-19093}"
REGISTRY_PORT="${DW_REGISTRY_PORT:-18081}"

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
