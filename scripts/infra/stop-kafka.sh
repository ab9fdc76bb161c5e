#!/usr/bin/env bash
# Stops only the local Kafka broker (a controlled shutdown), keeping its data; `up.sh` starts it
# again. For fault-tolerance tests that need the broker down for a while. Takes the same settings
# as up.sh (DRIFTWATCH_INFRA_DIR, DW_KAFKA_PORT, ...), so it stops the broker those name and no other.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

alive "$KAFKA_PID" || die "no local Kafka broker is running under $INFRA_DIR (start it with scripts/infra/up.sh)"
# The broker under $INFRA_DIR must be the one on $KAFKA_PORT: never stop another broker (e.g. a
# shared one on the default port) because DW_KAFKA_PORT and DRIFTWATCH_INFRA_DIR disagree.
grep -q "^listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT," "$KAFKA_HOME/server.properties" 2>/dev/null \
  || die "the broker under $INFRA_DIR does not listen on 127.0.0.1:$KAFKA_PORT; set DW_KAFKA_PORT and DRIFTWATCH_INFRA_DIR to the same infrastructure"
pid=$(cat "$KAFKA_PID")
kill "$pid"
for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$pid" 2>/dev/null && die "kafka (pid $pid) did not stop within 60 s"
rm -f "$KAFKA_PID"
# up.sh waits for 'Kafka Server started' in the log: the next start writes a fresh log, keeping
# this one (with the shutdown) beside it.
mv "$KAFKA_LOG" "$KAFKA_LOG.previous" 2>/dev/null || true
say "kafka on port $KAFKA_PORT stopped"
