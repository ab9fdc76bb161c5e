#!/usr/bin/env bash
# Runs vitest with the wall clock of Node (Date.now(), new Date()) starting at a given UTC time,
# to check that a test holds wherever the clock falls: a few seconds before midnight UTC, just
# after an hour...
#
#   scripts/test/at-clock.sh '2026-12-01 23:59:40' --project unit src/x.test.ts
#   DW_TEST_INFRA=env KAFKA_BROKERS=... SCHEMA_REGISTRY_URL=... scripts/test/at-clock.sh '2026-12-01 02:00:30' test/x.test.ts
#
# The clock starts at the given time when this script starts and runs at normal speed, in every
# Node process of the run (vitest's workers and the processes tests spawn): one offset, through
# scripts/test/fake-clock.mjs. AT_CLOCK=faketime uses libfaketime instead (apt-get install
# faketime); it works for unit tests, but chDB busy-waits under it (see fake-clock.mjs).
# Either way chDB's now64() (column defaults such as ingested_at), Kafka and the registry keep
# the real clock: keep the fake time within a day of the real one.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 'YYYY-MM-DD hh:mm:ss' <vitest args...>" >&2; exit 2; fi
at="$1"; shift
target_ms=$(TZ=UTC date -d "$at UTC" +%s%3N)
export TZ=UTC
if [ "${AT_CLOCK:-node}" = faketime ]; then
  lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime.so.1$' | head -1 || true)
  if [ -z "$lib" ]; then echo "libfaketime is not installed (apt-get install faketime)" >&2; exit 2; fi
  LD_PRELOAD="$lib" FAKETIME="@$at" FAKETIME_DONT_FAKE_MONOTONIC=1 exec npx vitest run "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
export DW_FAKE_CLOCK_OFFSET_MS=$((target_ms - $(date +%s%3N)))
export NODE_OPTIONS="${NODE_OPTIONS:-} --import=file://$here/fake-clock.mjs"
exec npx vitest run "$@"
