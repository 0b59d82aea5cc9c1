#!/usr/bin/env bash
# Runs every test: starts the emulator (moto, no Docker), runs the workspace's tests
# against it, and stops it again, whatever happens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# tests/html_browser.rs opens the HTML report in headless Chromium, and fails without it:
# install Debian's package when it is missing (CI runs as root on Debian).
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium for tests/html_browser.rs" >&2
  sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2 \
    || echo "could not install chromium: tests/html_browser.rs will fail" >&2
fi

# The Dockerfile, deploy/k8s and the Lambda template pass their linters (hadolint, checkov,
# cfn-lint; installed into .lint-venv the first time).
scripts/lint-deploy.sh

endpoint="$(localstack/start.sh)"
trap 'localstack/stop.sh' EXIT
echo "emulator at $endpoint" >&2

# The emulator never throttles; its unimplemented calls answer 500, which need no long retries.
export RAMPART_MAX_ATTEMPTS="${RAMPART_MAX_ATTEMPTS:-2}"
RAMPART_TEST_ENDPOINT="$endpoint" cargo test --workspace --locked "$@"
