#!/usr/bin/env bash
# The one command that runs every test: starts the real services that are not running (installing them where
# missing), builds and runs the unit tests, then runs the integration tests against the real brokers, and stops what
# it started.
#
# The integration tests run in two Maven processes at once, as most of their time is spent waiting on brokers
# (quiet periods, visibility timeouts, redeliveries, consumer JVMs starting): the default failsafe execution and the six
# conformance kits (executions 'kit-*' of the profile kit-reports) in one; the fault suites (it/faults, execution
# 'faults') in the other, its output in integration-tests/target/faults.log, printed when it ends. Every test runs;
# the run fails when either process does. `mvn install` alone runs the same executions one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh up
trap 'scripts/services.sh down' EXIT

mvn -B -ntp ${MAVEN_ARGS:-} install -DskipITs

it() { mvn -B -ntp ${MAVEN_ARGS:-} -pl integration-tests "$@"; }
log=integration-tests/target/faults.log
it failsafe:integration-test@faults failsafe:verify@faults > "$log" 2>&1 &
faults=$!

kits=(kit-kafka kit-rabbitmq kit-sqs kit-sqs-fifo kit-sns kit-sns-fifo)
goals=(failsafe:integration-test)
for e in "${kits[@]}"; do goals+=("failsafe:integration-test@$e"); done
goals+=(failsafe:verify)
for e in "${kits[@]}"; do goals+=("failsafe:verify@$e"); done
set +e
it "${goals[@]}"
first_rc=$?
wait "$faults"
faults_rc=$?
set -e
echo "===== fault suites (second Maven process, $log) ====="
cat "$log"
echo "integration tests: default execution and kits rc=$first_rc, fault suites rc=$faults_rc"
[ "$first_rc" -eq 0 ] && [ "$faults_rc" -eq 0 ]
