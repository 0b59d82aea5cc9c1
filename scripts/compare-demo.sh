#!/usr/bin/env bash
# Audits the seeded demo account with two rampart binaries and compares their findings
# (check, status, account, region, resource, message): the evidence that a change of shape
# kept behaviour. Both audit the same emulator, seeded once.
#
# Usage: scripts/compare-demo.sh OLD_BINARY NEW_BINARY
#
# Starts its own emulator (localstack/start.sh with a private RAMPART_EMULATOR_DIR) on a free
# loopback port and stops it on exit. Prints the number of findings of each, then every
# finding only one of them gave; exits 0 when they agree, 1 when they differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
old="$1" new="$2"

work="$(mktemp -d)"
export RAMPART_EMULATOR_DIR="$work/emulator"
endpoint="$(localstack/start.sh)"
trap 'localstack/stop.sh; rm -rf "$work"' EXIT
localstack/reset.sh "$endpoint" >/dev/null
localstack/seed.sh "$endpoint" >/dev/null

export RAMPART_MAX_ATTEMPTS="${RAMPART_MAX_ATTEMPTS:-2}"
for side in old new; do
  bin="${!side}"
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 \
    "$bin" --quiet audit --endpoint-url "$endpoint" --region us-east-1 --region eu-west-1 \
    --format json -o "$work/$side.json" || true
done

python3 - "$work/old.json" "$work/new.json" <<'EOF'
import json, sys

def findings(path):
    with open(path) as f:
        report = json.load(f)
    return {
        (x["check_id"], x["status"], x["account_id"], x["region"], x["resource_id"], x["message"])
        for x in report["findings"]
    }

old, new = findings(sys.argv[1]), findings(sys.argv[2])
print(f"old: {len(old)} findings, new: {len(new)} findings, in common: {len(old & new)}")
for tag, only in (("only old", old - new), ("only new", new - old)):
    for f in sorted(only):
        print(f"{tag}: {' | '.join(f)}")
sys.exit(0 if old == new else 1)
EOF
