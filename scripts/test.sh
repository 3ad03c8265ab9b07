#!/usr/bin/env bash
# The one command that runs every test: starts the real services that are not running (installing them
# where missing), builds, runs unit tests, the conformance kit and the integration tests against real
# brokers, then stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh up
trap 'scripts/services.sh down' EXIT
mvn -B -ntp ${MAVEN_ARGS:-} install
