#!/usr/bin/env bash
# The demo: start the emulator, seed the misconfigured demo account, audit it and print
# the table, then stop the emulator. Extra arguments go to `rampart audit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo build --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/rampart"

endpoint="$(localstack/start.sh)"
trap 'localstack/stop.sh' EXIT
localstack/reset.sh "$endpoint"
localstack/seed.sh "$endpoint"

# Emulator credentials: any value works, nothing leaves this machine.
# The emulator never throttles; its unimplemented calls answer 500, which need no long retries.
export RAMPART_MAX_ATTEMPTS="${RAMPART_MAX_ATTEMPTS:-2}"
status=0
env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 \
  "$bin" audit --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 "$@" || status=$?
echo
echo "rampart exited with $status (0 clean, 3 failing findings, 4 some checks could not be evaluated)"
