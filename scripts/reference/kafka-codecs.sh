#!/usr/bin/env bash
# Writes fixtures/kafka-codecs.json with Apache Kafka's Java client (KafkaCodecs.java), from the
# jars of the Kafka install scripts/infra/up.sh resolves from Maven Central.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libs="$(ls -d "$here"/../../.infra/kafka-*/libs | head -1)"
out="$(mktemp -d)"
javac -d "$out" -cp "$libs/*" "$here/KafkaCodecs.java"
java -cp "$out:$libs/*" KafkaCodecs "$here/fixtures/kafka-codecs.json"
rm -rf "$out"
