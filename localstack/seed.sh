#!/usr/bin/env bash
# Seed the demo account into the emulator: seed.sh [ENDPOINT] [seed.py options]
# ENDPOINT defaults to the emulator start.sh started, then to LocalStack's http://127.0.0.1:4566.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
endpoint="${1:-}"
[ $# -gt 0 ] && shift
if [ -z "$endpoint" ]; then
  endpoint="$(cat "$here/.run/endpoint" 2>/dev/null || echo http://127.0.0.1:4566)"
fi
if ! "$here/.venv/bin/python" -c 'import boto3' 2>/dev/null; then
  "${PYTHON:-python3}" -m venv "$here/.venv" >&2
  "$here/.venv/bin/pip" install --quiet --disable-pip-version-check boto3 >&2
fi
exec "$here/.venv/bin/python" "$here/seed.py" --endpoint-url "$endpoint" "$@"
