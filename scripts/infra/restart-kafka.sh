#!/usr/bin/env bash
# Restarts only the local Kafka broker (a controlled shutdown, then up.sh starts it again on the
# same data). For fault-tolerance tests: clients must ride through the restart.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$INFRA_SCRIPTS/stop-kafka.sh"
say "kafka stopped; starting it again"
exec bash "$INFRA_SCRIPTS/up.sh"
