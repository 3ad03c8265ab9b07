#!/usr/bin/env bash
# A local single-node Kafka 3.9.1 (KRaft, broker and controller in one process) from Maven jars, no Docker.
#   scripts/kafka.sh start    resolve the jars (first run), format the data dir (first run), start, wait until ready
#   scripts/kafka.sh stop     stop it (SIGTERM, clean shutdown); data is kept for the next start
#   scripts/kafka.sh status   say whether it runs
#   scripts/kafka.sh clean    stop it and delete its data
# Listens on 127.0.0.1:${KAFKA_PORT:-9092} (controller on ${KAFKA_CONTROLLER_PORT:-9093}); files live in .run/kafka.
# Use it with: --eventrail.broker=kafka  (eventrail.brokers.kafka.bootstrap-servers defaults to 127.0.0.1:9092)
set -euo pipefail
cd "$(dirname "$0")/.."
KAFKA_VERSION=3.9.1
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
DIR=.run/kafka
LIBS=$DIR/libs
DATA=$DIR/data
PID=$DIR/kafka.pid
LOG=$DIR/kafka.log

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; }

resolve() {
  [ -f "$LIBS/.complete-$KAFKA_VERSION" ] && return 0
  mkdir -p "$LIBS"
  cat > "$DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.eventrail.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "kafka: resolving Kafka $KAFKA_VERSION jars into $LIBS"
  mvn -B -q -f "$DIR/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DoutputDirectory="$(pwd)/$LIBS" -DincludeScope=runtime
  touch "$LIBS/.complete-$KAFKA_VERSION"
}

configure() {
  mkdir -p "$DATA"
  cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$(pwd)/$DATA
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat > "$DIR/log4j.properties" <<L4J
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$(pwd)/$LOG
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
L4J
  if [ ! -f "$DATA/meta.properties" ]; then
    local id; id=$(java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -cp "$LIBS/*" -Dlog4j.configuration="file:$(pwd)/$DIR/log4j.properties" \
      kafka.tools.StorageTool format -t "$id" -c "$DIR/server.properties" >/dev/null
  fi
}

start() {
  if running; then echo "kafka: already running (pid $(cat "$PID")) on 127.0.0.1:$PORT"; return 0; fi
  if listening "$PORT"; then echo "kafka: port $PORT is taken by another process" >&2; return 1; fi
  command -v java >/dev/null || { echo "kafka: java is not on the PATH" >&2; return 1; }
  mkdir -p "$DIR"
  resolve
  configure
  : > "$LOG"
  nohup java -Xmx512m -Dlog4j.configuration="file:$(pwd)/$DIR/log4j.properties" -cp "$LIBS/*" \
    kafka.Kafka "$DIR/server.properties" > "$DIR/kafka.out" 2>&1 &
  echo $! > "$PID"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started" "$LOG" 2>/dev/null; then
      echo "kafka: Kafka $KAFKA_VERSION started on 127.0.0.1:$PORT (pid $(cat "$PID"), log $LOG)"; return 0
    fi
    if ! running; then echo "kafka: exited during start-up; see $LOG and $DIR/kafka.out" >&2; rm -f "$PID"; return 1; fi
    sleep 0.5
  done
  echo "kafka: not ready within 60 s; see $LOG" >&2
  return 1
}

stop() {
  if ! running; then echo "kafka: not running"; rm -f "$PID"; return 0; fi
  local pid; pid=$(cat "$PID")
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID"; echo "kafka: stopped"; return 0; }
    sleep 0.5
  done
  echo "kafka: pid $pid did not stop within 30 s after SIGTERM" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "kafka: running (pid $(cat "$PID")) on 127.0.0.1:$PORT"; else echo "kafka: not running"; exit 3; fi ;;
  clean) stop; rm -rf "$DATA" "$LOG" "$DIR/kafka.out"; echo "kafka: data deleted" ;;
  *) echo "usage: $0 start|stop|status|clean" >&2; exit 2 ;;
esac
