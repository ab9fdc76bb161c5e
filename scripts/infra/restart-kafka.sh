#!/usr/bin/env bash
# Restarts only the local Kafka broker (a controlled shutdown, then up.sh starts it again on the
# same data). For fault-tolerance tests: clients must ride through the restart.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

alive "$KAFKA_PID" || die "no local Kafka broker is running (start it with scripts/infra/up.sh)"
pid=$(cat "$KAFKA_PID")
kill "$pid"
for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$pid" 2>/dev/null && die "kafka (pid $pid) did not stop within 60 s"
rm -f "$KAFKA_PID"
say "kafka stopped; starting it again"
# up.sh waits for 'Kafka Server started' in the log: start from a fresh log, keeping the
# previous one (with the shutdown) beside it.
mv "$KAFKA_LOG" "$KAFKA_LOG.previous" 2>/dev/null || true
exec bash "$INFRA_SCRIPTS/up.sh"
