#!/usr/bin/env bash
# rampart-lambda's cold start, invocations and memory, against a fake Lambda Runtime API.
#
# Usage: bench/lambda.sh [--bootstrap PATH] [--repeat N] [--memory MB]
#
# Starts an emulator of its own (localstack/start.sh: moto 5.2.5 behind cbor_bridge.py, pids and
# logs under $RAMPART_EMULATOR_DIR, default /tmp/emu-bench), seeds the demo account into it
# (localstack/seed.sh), creates the report bucket, then N times starts the bootstrap under
# bench/lambda_runtime_api.py, which serves it three events: a scheduled EventBridge event
# (the cold invocation), the same event again (warm), and a payload with a misspelt field,
# which must be answered on /error. The function's environment is as Lambda sets it, with
# RAMPART_OUTPUT=s3://rampart-bench-reports/bench/, RAMPART_REGIONS=us-east-1, the emulator's
# credentials and AWS_ENDPOINT_URL pointing at it. Prints a markdown table: start of the
# process to its first /next (init), each invocation's duration (event handed out to answer
# received), peak RSS (VmHWM, read just before the runtime is ended), with median and range, and
# checks that every line on stdout is a JSON log line. Raw records go to
# bench/results/tmp/lambda/.
#
#   --bootstrap PATH  the binary (default: $CARGO_TARGET_DIR or target, lambda/rampart-lambda/bootstrap,
#                     as `cargo lambda build --release --x86-64 --bin rampart-lambda` leaves it, or
#                     PATH.zip, as it leaves it with `--output-format zip`)
#   --repeat N        cold starts to measure (default 5)
#   --memory MB       AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 1024, the template's); the
#                     process is not limited to it
#
# Everything listens on and talks to 127.0.0.1 only: the run re-executes itself in a network
# namespace that has only loopback (unshare -n), so that not even a DNS lookup (S3 Control's
# <account>.127.0.0.1) leaves the machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

orig_args=("$@")
bootstrap="${CARGO_TARGET_DIR:-target}/lambda/rampart-lambda/bootstrap"
repeat=5
memory=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "lambda.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

source bench/lib.sh
bench_venvs rampart ""
bench_loopback_only "$repo" "$repo/bench/lambda.sh" "${orig_args[@]}"

out="$repo/bench/results/tmp/lambda"
export RAMPART_EMULATOR_DIR="${RAMPART_EMULATOR_DIR:-/tmp/emu-bench}"
localstack/stop.sh 2>/dev/null || true  # left over from an interrupted run
rm -rf "$out"
mkdir -p "$out"
echo "outputs in $out" >&2

# A copy, so that a build finishing meanwhile does not change what is measured; from the zip
# that `--output-format zip` leaves when there is no bare bootstrap.
if [ -x "$bootstrap" ]; then
  cp "$bootstrap" "$out/bootstrap"
elif [ -f "$bootstrap.zip" ]; then
  unzip -q -d "$out" "$bootstrap.zip" bootstrap
else
  echo "lambda.sh: no bootstrap (or bootstrap.zip) at $bootstrap (cargo lambda build --release --x86-64 --bin rampart-lambda, or --bootstrap PATH)" >&2
  exit 1
fi
sha256sum "$out/bootstrap" >"$out/bootstrap.sha256"

cleanup() { localstack/stop.sh || true; }
trap cleanup EXIT
endpoint="$(localstack/start.sh)"
echo "emulator at $endpoint; seeding the demo account" >&2
localstack/seed.sh "$endpoint" >"$out/seed.log" 2>&1
bucket="rampart-bench-reports"
localstack/.venv/bin/python - "$endpoint" "$bucket" <<'EOF'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
s3.create_bucket(Bucket=sys.argv[2])
EOF

cat >"$out/payloads.json" <<'EOF'
[
  {"version": "0", "id": "5d8f3c1e-0000-4000-8000-000000000001", "detail-type": "Scheduled Event",
   "source": "aws.events", "account": "123456789012", "time": "2026-01-01T06:00:00Z",
   "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/rampart-schedule"], "detail": {}},
  {"version": "0", "id": "5d8f3c1e-0000-4000-8000-000000000002", "detail-type": "Scheduled Event",
   "source": "aws.events", "account": "123456789012", "time": "2026-01-02T06:00:00Z",
   "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/rampart-schedule"], "detail": {}},
  {"regoins": []}
]
EOF

# The environment Lambda gives a function (lambda_runtime needs the first three; the runtime
# API's address is set by lambda_runtime_api.py), then the function's own.
export AWS_LAMBDA_FUNCTION_NAME=rampart-bench
export AWS_LAMBDA_FUNCTION_MEMORY_SIZE="$memory"
export AWS_LAMBDA_FUNCTION_VERSION='$LATEST'
export AWS_LAMBDA_LOG_STREAM_NAME='2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef'
export AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/rampart-bench
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_ENDPOINT_URL="$endpoint"
export RAMPART_OUTPUT="s3://$bucket/bench/"
export RAMPART_REGIONS=us-east-1
export TZ=UTC

echo "machine before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (load average 1/5/15 min), $(nproc) cores" | tee "$out/machine.txt" >&2
for i in $(seq 1 "$repeat"); do
  echo "run $i of $repeat" >&2
  python3 bench/lambda_runtime_api.py --payloads "$out/payloads.json" --record "$out/run-$i.json" \
    --stdout "$out/run-$i.stdout" --stderr "$out/run-$i.stderr" --timeout-s 1200 \
    --exec "$out/bootstrap"
done
echo "machine after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2

# The reports the invocations wrote, in the emulator's bucket.
localstack/.venv/bin/python - "$endpoint" "$bucket" "$out/report.json" >"$out/reports.txt" <<'EOF'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
last_json = None
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2]):
    for o in page.get("Contents", []):
        print(o["Key"], o["Size"])
        if o["Key"].endswith(".json") and not o["Key"].endswith(".ocsf.json"):
            last_json = o["Key"]
# The last JSON report, for its ERROR findings.
if last_json:
    s3.download_file(sys.argv[2], last_json, sys.argv[3])
EOF

python3 - "$out" "$repeat" <<'EOF'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{out}/run-{i}.json")) for i in range(1, n + 1)]
problems = []
rows = {"init: process start → first /next (ms)": [], "1st invocation, cold, scheduled event (ms)": [],
        "2nd invocation, warm, same event (ms)": [], "3rd invocation, bad payload → /error (ms)": [],
        "peak RSS, VmHWM after the last answer (MiB)": [], "CPU user+sys of the process (s)": []}
for i, r in enumerate(runs, 1):
    inv = r["invocations"]
    if r.get("timed_out") or len(inv) != 3 or any("outcome" not in x for x in inv):
        problems.append(f"run {i}: incomplete ({r.get('ended_by')}, exit {r.get('exit_status')})")
        continue
    rows["init: process start → first /next (ms)"].append(r["first_next_ms"])
    for key, x in zip(list(rows)[1:4], inv):
        rows[key].append(x["duration_ms"])
    # VmHWM, not wait4's ru_maxrss: that one also counts the launching Python process's memory,
    # which the child shares between fork and exec (a floor of about 20 MB).
    if r.get("vm_hwm_kb"):
        rows["peak RSS, VmHWM after the last answer (MiB)"].append(r["vm_hwm_kb"] / 1024)
    rows["CPU user+sys of the process (s)"].append(r["user_s"] + r["sys_s"])
    for k, x in enumerate(inv[:2]):
        if x["outcome"] != "response":
            problems.append(f"run {i}: invocation {k + 1} answered on /{x['outcome']}: {x.get('body')}")
    if inv[2]["outcome"] != "error":
        problems.append(f"run {i}: the bad payload was answered on /{inv[2]['outcome']}")
    # stdout: JSON lines only
    lines = [l for l in open(f"{out}/run-{i}.stdout", encoding="utf-8", errors="replace").read().splitlines() if l.strip()]
    def is_object(line):
        try:
            return isinstance(json.loads(line), dict)
        except ValueError:
            return False
    bad = [l for l in lines if not is_object(l)]
    if bad:
        problems.append(f"run {i}: {len(bad)} of {len(lines)} stdout lines are not JSON objects, e.g. {bad[0][:120]!r}")
    r["_stdout_lines"] = len(lines)

def fmt(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"
print(f"| {n} cold starts | median | min | max |")
print("|---|---:|---:|---:|")
for name, vals in rows.items():
    if vals:
        print(f"| {name} | {fmt(statistics.median(vals))} | {fmt(min(vals))} | {fmt(max(vals))} |")
first = runs[0]["invocations"]
print()
if len(first) >= 3:
    print("1st invocation's answer:", json.dumps(first[0].get("body"))[:600])
    print("bad payload's error:", json.dumps(first[2].get("body")), "error type header:", first[2].get("error_type"))
print("stdout lines per run (all JSON):", [r.get("_stdout_lines") for r in runs])
print("exit of the runtime:", [f"{r.get('exit_status')} ({r.get('ended_by')})" for r in runs])
for p in problems:
    print("PROBLEM:", p)
EOF
echo >&2
echo "reports in the emulator's bucket: $(wc -l <"$out/reports.txt") objects (list in $out/reports.txt)" >&2
