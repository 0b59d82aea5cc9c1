#!/usr/bin/env bash
# Rampart against Prowler on the same emulated account.
#
# Usage: bench/run.sh [--scale F] [--rampart PATH] [--repeat N] [--only rampart|prowler] [--direct]
#
# Starts an emulator of its own (localstack/start.sh: moto 5.2.5 behind cbor_bridge.py on
# free loopback ports, pids and logs under the output directory), seeds the large account into it
# (bench/seed_large.py, scale F of 2,000 users, 5,000 security groups, 3,000 volumes,
# 2,000 snapshots, 500 buckets, 300 KMS keys over 3 regions), then audits it with Rampart
# and then with Prowler 5.46.0 (its own venv, bench/.prowler-venv, created when missing),
# each through its own bench/count_proxy.py, which logs every request. Both read the same three regions
# and the same services, with 2 attempts per request. Each run is measured with
# /usr/bin/time -v (wall clock, peak RSS); the CPU time moto spent answering it is read from
# /proc. Prints the results table and each tool's requests per resource type (markdown;
# bench/per_resource.py, every action in per-resource.md); raw outputs go to
# bench/results/tmp/scale-F/ (scale-F-rampart, scale-F-direct, ... with the options below).
# The emulator and the proxies are stopped on exit.
#
#   --scale F        fraction of the full account (default 1; 0.01 for a quick try)
#   --rampart PATH   the binary (default: $CARGO_TARGET_DIR or target, release/rampart)
#   --repeat N       audit N times with each tool, alternating (default 1); the table gives medians
#   --only TOOL      run only one of the two tools
#   --direct         point the tools at the bridge, as the tests and the demo do, without the
#                    counting proxy (no request counts; the bridge adds ~40 ms to many answers)
#
# Everything listens on and talks to 127.0.0.1 only: after the venvs are checked (and installed
# from PyPI when missing), the run re-executes itself in a network namespace that has only
# loopback (unshare -n), so that not even a DNS lookup leaves the machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

orig_args=("$@")
scale=1
rampart="${CARGO_TARGET_DIR:-target}/release/rampart"
only=""
direct=0
repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --rampart) rampart="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --direct) direct=1; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

regions=(us-east-1 eu-west-1 ap-southeast-2)
# The Prowler services that cover what Rampart reads (iam, s3, cloudtrail, ec2/vpc/ebs, kms,
# cloudwatch with logs, sns, config, guardduty, securityhub, accessanalyzer, ssm, rds, efs,
# account, macie2); `prowler aws --list-services` names them.
prowler_services=(iam s3 cloudtrail ec2 vpc kms cloudwatch sns config guardduty securityhub accessanalyzer ssm rds efs account macie)
prowler_version="5.46.0"
attempts=2

py_emu="$repo/localstack/.venv/bin/python"

# --- the venvs (the only step that uses the network: PyPI), then loopback only -------------
source bench/lib.sh
bench_venvs "$only" "$prowler_version"
bench_loopback_only "$repo" "$repo/bench/run.sh" "${orig_args[@]}"

out="$repo/bench/results/tmp/scale-$scale${only:+-$only}"
[ "$direct" = 1 ] && out="$out-direct"
RAMPART_EMULATOR_DIR="$out/emulator" localstack/stop.sh 2>/dev/null || true  # left over from an interrupted run
rm -rf "$out"
mkdir -p "$out"
echo "outputs in $out" >&2

if [ "$only" != "prowler" ]; then
  if [ ! -x "$rampart" ]; then
    echo "run.sh: no rampart binary at $rampart (cargo build --release, or --rampart PATH)" >&2
    exit 1
  fi
  # A copy, so that a build finishing meanwhile does not change what is measured.
  cp "$rampart" "$out/rampart-bin"
  sha256sum "$rampart" >"$out/rampart-bin.sha256"
  rampart="$out/rampart-bin"
fi

# --- the emulator: localstack/start.sh (installs moto into localstack/.venv once), with its
# pids and logs in the output directory, so that it never shares localstack/.run with the
# tests or the demo --------------------------------------------------------------------------
export RAMPART_EMULATOR_DIR="$out/emulator"
proxies=()
cleanup() {
  for pid in "${proxies[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  localstack/stop.sh
}
trap cleanup EXIT
endpoint="$(localstack/start.sh)"
moto_pid="$(cat "$RAMPART_EMULATOR_DIR/moto.pid")"
bridge_pid="$(cat "$RAMPART_EMULATOR_DIR/bridge.pid")"
# moto's own port (start.sh puts the bridge in front of it): the counting proxy sends every
# request there but the Smithy RPC v2 CBOR ones, as the bridge would (see count_proxy.py).
moto_port="$(ps -o args= -p "$moto_pid" | sed -n 's/.* -p \([0-9][0-9]*\).*/\1/p')"
echo "emulator at $endpoint (moto pid $moto_pid on port $moto_port)" >&2

free_port() {
  "$py_emu" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_http() {  # URL PID LOG
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "$1 exited during start" >&2; cat "$3" >&2; exit 1; fi
    sleep 0.2
  done
  echo "nothing answered on $1" >&2
  exit 1
}
cpu_seconds() {  # PID: user+system CPU seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

# --- seed ---------------------------------------------------------------------------------
"$py_emu" bench/seed_large.py --endpoint-url "$endpoint" --scale "$scale" --summary "$out/seed.json"

# --- one measured run: TOOL COMMAND... (env already set by the caller) --------------------
run_tool() {
  local tool="$1"; shift
  local url="$endpoint" proxy_pid=""
  if [ "$direct" = 0 ]; then
    local port
    port="$(free_port)"
    "$py_emu" bench/count_proxy.py --listen "$port" --upstream "http://127.0.0.1:$moto_port" --cbor "$endpoint" \
      --log "$out/$tool.requests.tsv" \
      >"$out/$tool.proxy.log" 2>&1 &
    proxy_pid=$!
    proxies+=("$proxy_pid")
    url="http://127.0.0.1:$port"
    wait_http "$url/moto-api/" "$proxy_pid" "$out/$tool.proxy.log"  # analyze.py leaves out /moto-api/ probes
  fi
  local moto_before bridge_before rc=0
  moto_before="$(cpu_seconds "$moto_pid")"
  bridge_before="$(cpu_seconds "$bridge_pid")"
  echo "running $tool against $url" >&2
  BENCH_URL="$url" /usr/bin/time -v -o "$out/$tool.time" "$@" >"$out/$tool.stdout" 2>"$out/$tool.stderr" || rc=$?
  echo "$rc" >"$out/$tool.rc"
  awk -v a="$(cpu_seconds "$moto_pid")" -v b="$moto_before" 'BEGIN { print a - b }' >"$out/$tool.moto-cpu"
  awk -v a="$(cpu_seconds "$bridge_pid")" -v b="$bridge_before" 'BEGIN { print a - b }' >"$out/$tool.bridge-cpu"
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid"
    wait "$proxy_pid" 2>/dev/null || true
    "$py_emu" bench/analyze.py "$out/$tool.requests.tsv" --json "$out/$tool.requests.json" --top 40 >"$out/$tool.requests.md"
  fi
  echo "$tool exited with $rc; $(grep -E 'Elapsed|Maximum resident' "$out/$tool.time" | tr -s ' \t' ' ' | paste -sd ';')" >&2
}

# Dummy credentials, nothing leaves the machine. No profile or session token from the caller.
creds=(env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
       AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1)

region_args=()
for r in "${regions[@]}"; do region_args+=(--region "$r"); done
for i in $(seq 1 "$repeat"); do
  if [ "$only" != "prowler" ]; then
    # BENCH_URL is set by run_tool; sh -c reads it at run time.
    run_tool "rampart-$i" "${creds[@]}" RAMPART_MAX_ATTEMPTS="$attempts" sh -c \
      'exec "$0" audit --endpoint-url "$BENCH_URL" "$@"' "$rampart" \
      "${region_args[@]}" --format json -o "$out/rampart-$i.json"
  fi
  if [ "$only" != "rampart" ]; then
    # AWS_ENDPOINT_URL sends every boto3 client to the emulator.
    run_tool "prowler-$i" "${creds[@]}" sh -c \
      'AWS_ENDPOINT_URL="$BENCH_URL" exec "$0" "$@"' "$repo/bench/.prowler-venv/bin/prowler" aws \
      -f "${regions[@]}" --services "${prowler_services[@]}" --aws-retries-max-attempts "$attempts" --scan-unused-services \
      --no-banner --output-formats json-ocsf --output-directory "$out/prowler-$i-output" --output-filename prowler
    # The 1.4 GB OCSF file of a full-scale run: keep the counts, not the file.
    "$py_emu" bench/report.py --count-ocsf "$out/prowler-$i-output" >"$out/prowler-$i.findings.json"
    rm -f "$out/prowler-$i-output/"*.ocsf.json
  fi
done

{
  "$py_emu" bench/report.py "$out"
  if [ "$direct" = 0 ]; then
    # Which requests each tool sent for each kind of resource (the first run of each tool).
    echo
    "$py_emu" bench/per_resource.py "$out"
    "$py_emu" bench/per_resource.py "$out" --detail >"$out/per-resource.md"
  fi
} | tee "$out/results.md"
