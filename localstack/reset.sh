#!/usr/bin/env bash
# Clear every resource in the running emulator: reset.sh [ENDPOINT]
set -euo pipefail
endpoint="${1:-${RAMPART_TEST_ENDPOINT:-$(cat "$(dirname "${BASH_SOURCE[0]}")/.run/endpoint")}}"
curl -fsS -X POST "$endpoint/moto-api/reset" >/dev/null
