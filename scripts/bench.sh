#!/usr/bin/env bash
# The Eventrail benchmark (docs/BENCHMARKS.md): raw broker clients against Eventrail, alternating, in one run.
#   scripts/bench.sh                      every pair: memory, Kafka, RabbitMQ, SQS and SNS (fauxqs, started by the harness),
#                                         kafka-pg (Kafka with the PostgreSQL idempotency store) and kafka-pg-inbox
#                                         (the transactional inbox: onTransactional against the same transaction by
#                                         hand); prints the report, writes integration-tests/target/bench-report.md
#   BENCH_BROKERS=memory scripts/bench.sh one pair only (comma-separated list:
#                                         memory,kafka,rabbitmq,sqs,sns,kafka-pg,kafka-pg-inbox)
#   BENCH_REGIMES=volume scripts/bench.sh one regime only: bound (each publish waits for its acknowledgement, plus
#                                         latency, footprint and start-up) or volume (publish for volume, then drain
#                                         the pre-filled destination); both by default, volume first, each in a
#                                         benchmark JVM of its own (-Xmx2g), one report
#   BENCH_ARGS="-Dbench.volume.events.kafka=20000 -Dbench.volume.rounds=1 -Dbench.skip-footprint=true" scripts/bench.sh
#                                         more settings for the benchmark JVM (docs/BENCHMARKS.md lists them)
#   BENCH_JVM_ARGS="-Xmx2g -XX:+FlightRecorder -XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile" scripts/bench.sh
#                                         with a JFR profile of the client JVM (jfr print --events jdk.ExecutionSample /tmp/bench.jfr)
# Starts what is not running and stops only what it started: a separate Kafka 3.9.1 process (scripts/kafka.sh,
# on 127.0.0.1:${KAFKA_PORT:-9192}), RabbitMQ and PostgreSQL (scripts/services.sh; kafka-pg and kafka-pg-inbox use the
# database `test` on 127.0.0.1:5432). Builds the sample jar for the start-up figure.
set -euo pipefail
cd "$(dirname "$0")/.."
BROKERS=${BENCH_BROKERS:-memory,kafka,rabbitmq,sqs,sns,kafka-pg,kafka-pg-inbox}
export KAFKA_PORT=${KAFKA_PORT:-9192}
export KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9193}
started_kafka=""
cleanup() { if [ -n "$started_kafka" ]; then scripts/kafka.sh stop || true; fi; }
trap cleanup EXIT
kafka_pid=""; rabbit_pid=""
if [[ $BROKERS == *kafka* ]]; then
  if ! scripts/kafka.sh status >/dev/null 2>&1; then
    scripts/kafka.sh start; started_kafka=yes
  fi
  kafka_pid=$(cat .run/kafka/kafka.pid)
fi
if [[ $BROKERS == *rabbitmq* ]]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then scripts/services.sh up; fi
  rabbit_pid=$(ss -ltnpH 'sport = :5672' 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
fi
if [[ $BROKERS == *-pg* ]]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then scripts/services.sh up; fi
fi
# each regime in a JVM of its own (heap, JIT and threads of one do not carry into the other), then one report
REGIMES=${BENCH_REGIMES:-volume,bound}
reports=()
for regime in ${REGIMES//,/ }; do
  mvn -B -q -Pbench -pl samples/user-signup,integration-tests -am verify -DskipTests \
    -Dbench.brokers="$BROKERS" -Dbench.kafka.bootstrap="127.0.0.1:$KAFKA_PORT" \
    -Dbench.kafka.pid="$kafka_pid" -Dbench.rabbitmq.pid="$rabbit_pid" -Dbench.jvm.args="${BENCH_JVM_ARGS:--Xmx2g}" \
    -Dbench.regimes="$regime" -Dbench.args="${BENCH_ARGS:-} -Dbench.report=target/bench-report-$regime.md" \
    -Dbench.commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo +changes)"
  reports+=("integration-tests/target/bench-report-$regime.md")
done
cat "${reports[@]}" > integration-tests/target/bench-report.md
echo "report written to $(pwd)/integration-tests/target/bench-report.md"
