#!/usr/bin/env bash
# Stops what scripts/infra/up.sh started. `--purge` also deletes Kafka's data (resolved jars stay cached).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

stop() { # name pidfile
  if alive "$2"; then
    local pid; pid=$(cat "$2")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { say "$1 did not stop in 30s; killing"; kill -9 "$pid" 2>/dev/null || true; }
    say "$1 stopped"
  fi
  rm -f "$2"
}

stop registry "$REGISTRY_PID"
stop kafka "$KAFKA_PID"
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$KAFKA_HOME/data" "$LOG_DIR"
  say "kafka data and logs deleted"
fi
