#!/usr/bin/env bash
# The one command that runs every test: starts the real services that are not running (installing them where
# missing), builds and runs the unit tests, then runs the integration tests against the real brokers, and stops what
# it started.
#
# The integration tests run in two Maven processes at once, as most of their time is spent waiting on brokers
# (quiet periods, visibility timeouts, redeliveries): the default failsafe execution in one; the fault suites (it/faults)
# and the six conformance kits (executions 'faults' and 'kit-*' of the profile kit-reports) in the other, its output
# in integration-tests/target/faults-and-kits.log, printed when it ends. Every test runs; the run fails when either
# process does. `mvn install` alone runs the same executions one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh up
trap 'scripts/services.sh down' EXIT

mvn -B -ntp ${MAVEN_ARGS:-} install -DskipITs

it() { mvn -B -ntp ${MAVEN_ARGS:-} -pl integration-tests "$@"; }
second=(faults kit-kafka kit-rabbitmq kit-sqs kit-sqs-fifo kit-sns kit-sns-fifo)
goals=()
for e in "${second[@]}"; do goals+=("failsafe:integration-test@$e"); done
for e in "${second[@]}"; do goals+=("failsafe:verify@$e"); done
log=integration-tests/target/faults-and-kits.log
it "${goals[@]}" > "$log" 2>&1 &
other=$!

set +e
it failsafe:integration-test failsafe:verify
first_rc=$?
wait "$other"
second_rc=$?
set -e
echo "===== fault suites and conformance kits (second Maven process, $log) ====="
cat "$log"
echo "integration tests: default execution rc=$first_rc, fault suites and kits rc=$second_rc"
[ "$first_rc" -eq 0 ] && [ "$second_rc" -eq 0 ]
