#!/usr/bin/env bash
# Starts a real single-node Apache Kafka (KRaft, broker+controller) and Apicurio Registry on 127.0.0.1,
# both resolved from Maven Central with mvn (cached in ~/.m2 as Maven does). Idempotent: what already
# runs is left alone. Prints the connection settings as shell exports on stdout.
#
#   eval "$(bash scripts/infra/up.sh)"     # sets KAFKA_BROKERS and SCHEMA_REGISTRY_URL
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
command -v mvn  >/dev/null 2>&1 || die "mvn not found: install Apache Maven (Debian: apt-get install maven)"
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${java_major:-0}" -ge 17 ] || die "Java 17+ is required (found: $(java -version 2>&1 | head -1))"

mkdir -p "$LOG_DIR" "$RUN_DIR"
MVN=(mvn -B -q -ntp)

resolve_kafka() {
  [ -f "$KAFKA_HOME/.resolved" ] && return
  say "resolving Apache Kafka $KAFKA_VERSION from Maven Central..."
  rm -rf "$KAFKA_HOME/libs"
  "${MVN[@]}" -f "$INFRA_SCRIPTS/kafka-pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" >"$LOG_DIR/mvn-kafka.log" 2>&1 \
    || die "mvn could not resolve Kafka; see $LOG_DIR/mvn-kafka.log"
  touch "$KAFKA_HOME/.resolved"
}

resolve_apicurio() {
  [ -f "$APICURIO_HOME/.resolved" ] && return
  say "resolving Apicurio Registry $APICURIO_VERSION from Maven Central..."
  rm -rf "$APICURIO_HOME" && mkdir -p "$APICURIO_HOME"
  "${MVN[@]}" dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$APICURIO_HOME" >"$LOG_DIR/mvn-apicurio.log" 2>&1 \
    || die "mvn could not resolve Apicurio Registry; see $LOG_DIR/mvn-apicurio.log"
  # The archive's root is the Quarkus application folder: 3.0.x has <name>-runner.jar (legacy-jar),
  # 3.1+ has quarkus-run.jar (fast-jar). Accept both, so moving to Java 21 + 3.3 is a version bump.
  mkdir -p "$APICURIO_HOME/quarkus-app"
  tar -xzf "$APICURIO_HOME/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$APICURIO_HOME/quarkus-app"
  rm -f "$APICURIO_HOME/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  local jar
  jar=$(find "$APICURIO_HOME/quarkus-app" -maxdepth 1 \( -name quarkus-run.jar -o -name '*-runner.jar' \) | head -1)
  [ -n "$jar" ] || die "no runnable jar (quarkus-run.jar or *-runner.jar) in the Apicurio archive"
  echo "$jar" >"$APICURIO_HOME/.resolved"
}

start_kafka() {
  if alive "$KAFKA_PID"; then say "kafka already running (pid $(cat "$KAFKA_PID"))"; return; fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set DW_KAFKA_PORT"
  local conf="$KAFKA_HOME/server.properties" data="$KAFKA_HOME/data"
  cat >"$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
  cat >"$KAFKA_HOME/log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
log4j.logger.state.change.logger=WARN
PROPS
  local jvm=(java -Xms256m -Xmx${DW_KAFKA_HEAP:-768m} -XX:+UseG1GC
    "-Dlog4j.configuration=file:$KAFKA_HOME/log4j.properties" -cp "$KAFKA_HOME/libs/*")
  if [ ! -f "$data/meta.properties" ]; then
    "${jvm[@]}" kafka.tools.StorageTool format -t "$("${jvm[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$conf" >"$LOG_DIR/kafka-format.log" 2>&1 || die "formatting KRaft storage failed; see $LOG_DIR/kafka-format.log"
  fi
  nohup "${jvm[@]}" kafka.Kafka "$conf" >>"$KAFKA_LOG" 2>&1 &
  echo $! >"$KAFKA_PID"
  say "kafka starting (pid $!), log $KAFKA_LOG"
}

start_registry() {
  if alive "$REGISTRY_PID"; then say "registry already running (pid $(cat "$REGISTRY_PID"))"; return; fi
  port_open "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by another process; set DW_REGISTRY_PORT"
  # In-memory storage (the 3.x default, H2 in memory): the registry forgets schemas on restart,
  # and producers register them again.
  nohup java -Xms128m -Xmx${DW_REGISTRY_HEAP:-512m} \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.log.console.json=false -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -jar "$(cat "$APICURIO_HOME/.resolved")" >>"$REGISTRY_LOG" 2>&1 &
  echo $! >"$REGISTRY_PID"
  say "registry starting (pid $!), log $REGISTRY_LOG"
}

wait_ready() { # name pidfile timeout-seconds check-command...
  local name=$1 pidfile=$2 limit=$3; shift 3
  local start=$SECONDS
  until "$@"; do
    alive "$pidfile" || die "$name exited during start-up; see its log in $LOG_DIR"
    [ $((SECONDS - start)) -lt "$limit" ] || die "$name not ready after ${limit}s; see its log in $LOG_DIR"
    sleep 0.5
  done
  say "$name ready after $((SECONDS - start))s"
}

kafka_ready() { port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG"; }
registry_ready() { curl -fs -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" 2>/dev/null; }

resolve_kafka
resolve_apicurio
start_kafka
start_registry
wait_ready kafka "$KAFKA_PID" 120 kafka_ready
wait_ready registry "$REGISTRY_PID" 180 registry_ready

cat >"$INFRA_DIR/env" <<ENV
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export SCHEMA_REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
ENV
cat "$INFRA_DIR/env"
