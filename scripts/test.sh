#!/usr/bin/env bash
# Runs every test: starts the emulator (moto, no Docker), runs the workspace's tests
# against it, and stops it again, whatever happens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

endpoint="$(localstack/start.sh)"
trap 'localstack/stop.sh' EXIT
echo "emulator at $endpoint" >&2

# The emulator never throttles; its unimplemented calls answer 500, which need no long retries.
export RAMPART_MAX_ATTEMPTS="${RAMPART_MAX_ATTEMPTS:-2}"
RAMPART_TEST_ENDPOINT="$endpoint" cargo test --workspace --locked "$@"
