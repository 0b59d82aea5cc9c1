#!/usr/bin/env bash
# Rampart against Prowler on the same emulated AWS Organization.
#
# Usage: bench/org.sh [--accounts N | --accounts-list N1,N2,...] [--regions LIST|COUNT] [--scale F]
#                     [--rampart PATH] [--only rampart|prowler] [--parallel P]
#                     [--prowler-accounts N] [--max-accounts M] [--out DIR]
#        bench/org.sh --report DIR       print the tables of an earlier run again
#
# Starts an emulator of its own (localstack/start.sh: moto 5.2.5 behind cbor_bridge.py on free
# loopback ports, pids and logs under the output directory), creates an organization in its
# default account (123456789012, the management account) with N member accounts and seeds every
# account in every region (bench/seed_org.py: users, groups, password policies, security groups,
# volumes, snapshots, keys, buckets, a trail, metric filters and alarms; about 70 resources per
# account at --scale 1, entered through sts:AssumeRole into OrganizationAccountAccessRole as
# the audits enter them). Then:
#
#   Rampart  `rampart audit --org` from the management account's credentials, once per size
#            of --accounts-list: the management account plus the first n member accounts (for
#            n below the largest, with `--accounts` naming them; the organization is seeded
#            once, at the largest size). --max-accounts (default: Rampart's own, 4).
#   Prowler  5.46.0 (bench/.prowler-venv, created when missing), as its users audit an
#            organization: one process per account, --parallel (default 4) at a time, each with
#            `--role arn:aws:iam::<id>:role/OrganizationAccountAccessRole` (the management
#            account with its own credentials), on the first --prowler-accounts member
#            accounts (default: all) plus the management account.
#
# Both read the same regions and services and make 2 attempts per request, as bench/run.sh. Each
# process runs under /usr/bin/time -v and sends its requests through its own
# bench/count_proxy.py; Prowler's processes' summed RSS is sampled twice a second. The CPU time
# moto spent answering each tool is read from /proc. Prints markdown tables; raw outputs go to
# bench/results/tmp/org-N/ (org-N-rampart or org-N-prowler with --only; --out DIR elsewhere).
# The emulator and the proxies are stopped on exit.
#
#   --accounts N          member accounts (default 50); same as --accounts-list N
#   --accounts-list LIST  audit with Rampart at each of these numbers of member accounts
#   --regions LIST|COUNT  comma-separated regions, or how many of us-east-1, eu-west-1,
#                         ap-southeast-2, us-west-2, ... (default 4)
#   --scale F             per-account sizes (default 1)
#   --rampart PATH        the binary (default ${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}/release/rampart)
#   --only TOOL           run only one of the two tools
#   --parallel P          Prowler processes at once (default 4)
#   --prowler-accounts N  member accounts Prowler audits (default: the largest of the list)
#   --max-accounts M      passed to rampart (default: not passed)
#   --out DIR             output directory (default bench/results/tmp/org-N)
#   --no-isolate          do not run in a network namespace of its own (see below)
#
# Everything listens on and talks to 127.0.0.1 only: after the venvs are checked (and installed
# when missing), the run re-executes itself in a network namespace that has only loopback
# (unshare -n; as root, or with -r in a user namespace), so that not even a DNS lookup leaves.
set -euo pipefail
caller_pwd="$PWD"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"
py_emu="$repo/localstack/.venv/bin/python"

accounts_list="50"
regions_arg="4"
scale=1
rampart="${CARGO_TARGET_DIR:-$HOME/.cache/rampart-target}/release/rampart"
only=""
parallel=4
prowler_accounts=""
max_accounts=""
out=""
report_only=""
isolate=1
orig_args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts|--accounts-list) accounts_list="$2"; shift 2 ;;
    --regions) regions_arg="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --rampart) rampart="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --prowler-accounts) prowler_accounts="$2"; shift 2 ;;
    --max-accounts) max_accounts="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --report) report_only="$2"; shift 2 ;;
    --no-isolate) isolate=0; shift ;;
    -h|--help) sed -n '2,49p' "$0"; exit 0 ;;
    *) echo "org.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$only" in ""|rampart|prowler) ;; *) echo "org.sh: --only rampart or prowler" >&2; exit 2 ;; esac
# Paths given on the command line are relative to where the script was started.
absolute() { case "$1" in ""|/*) echo "$1" ;; *) echo "$caller_pwd/$1" ;; esac; }
rampart="$(absolute "$rampart")"
out="$(absolute "$out")"
report_only="$(absolute "$report_only")"

# Summary of a Rampart JSON report: findings, accounts, ERROR findings and their reasons.
rampart_summary() {  # REPORT OUT
  "$py_emu" - "$1" "$2" <<'PY'
import json, re, sys
from collections import Counter
rep = json.load(open(sys.argv[1]))
f = rep["findings"]
errors = [x for x in f if x["status"] == "ERROR"]
def norm(m):
    m = re.sub(r"\b\d{12}\b", "<account>", m)
    m = re.sub(r"\b(vol|snap|sg|vpc|subnet|acl|i|eni|igw|rtb)-[0-9a-f]{8,17}\b", r"\1-<id>", m)
    m = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<uuid>", m)
    m = re.sub(r"org-<account>-[a-z0-9-]+", "<bucket>", m)
    m = re.sub(r"org-trail-<account>", "<trail-bucket>", m)
    m = re.sub(r"request id: [A-Za-z0-9-]+", "request id: <id>", m)
    return m
reasons = Counter(f"{x['check_id']}: {norm(x['message'])}" for x in errors)
by_check = Counter(x["check_id"] for x in errors)
accounts = sorted({x["account_id"] for x in f})
out = dict(
    findings=len(f),
    by_status=dict(Counter(x["status"] for x in f).most_common()),
    errors=len(errors),
    accounts_in_report=len(rep["scope"]["accounts"]) if "scope" in rep and "accounts" in rep["scope"] else len(accounts),
    accounts_with_findings=len(accounts),
    findings_per_account=dict(Counter(x["account_id"] for x in f).most_common()),
    error_reasons=dict(reasons.most_common()),
    errors_by_check=dict(by_check.most_common()),
)
json.dump(out, open(sys.argv[2], "w"), indent=1)
PY
}

# Summary of the Prowler runs of DIR (DIR/prowler/, DIR/prowler.run: start, end, parallel, members).
prowler_summary() {  # DIR
  "$py_emu" - "$1" <<'PY'
import glob, json, os, re, sys
from collections import Counter
out = sys.argv[1]
pdir = os.path.join(out, "prowler")
t0, t1, parallel, members = open(os.path.join(out, "prowler.run")).read().split()
t0, t1, parallel, members = float(t0), float(t1), int(parallel), int(members)
def read(p):
    try:
        return open(p).read()
    except OSError:
        return ""
rss, cpu, by_status, errors, rcs, walls = [], 0.0, Counter(), Counter(), Counter(), []
def norm(m):
    m = re.sub(r"^\S+ \S+ - ", "", m)  # timestamp
    m = re.sub(r"\b\d{12}\b", "<account>", m)
    m = re.sub(r"\b(vol|snap|sg|vpc|subnet|acl|i|eni|igw|rtb)-[0-9a-f]{8,17}\b", r"\1-<id>", m)
    m = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<uuid>", m)
    m = re.sub(r"org-<account>-[a-z0-9-]+", "<bucket>", m)
    m = re.sub(r"(us|eu|ap|sa|ca)-[a-z]+-\d", "<region>", m)
    m = re.sub(r"\[\d+\]", "[n]", m)
    m = re.sub(r"<!doctype html>.*", "<HTML error page>", m, flags=re.S | re.I)
    m = re.sub(r"\s+", " ", m)
    m = re.sub(r"\d+\.127\.0\.0\.1:\d+", "<account>.127.0.0.1:<port>", m)
    m = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", m)
    return m[:300]
for t in sorted(glob.glob(os.path.join(pdir, "*.time"))):
    text = read(t)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss.append(int(m.group(1)) / 1024)
    u = re.search(r"User time \(seconds\): ([\d.]+)", text)
    s = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if u and s:
        cpu += float(u.group(1)) + float(s.group(1))
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        secs = 0.0
        for part in m.group(1).split(":"):
            secs = secs * 60 + float(part)
        walls.append(secs)
    acct = os.path.basename(t)[:-len(".time")]
    fj = read(os.path.join(pdir, f"{acct}.findings.json"))
    if fj:
        by_status.update(json.loads(fj))
    rcs[read(os.path.join(pdir, f"{acct}.rc")).strip() or "?"] += 1
    # --log-file writes one JSON object per record, but a message with line breaks (an HTML
    # error page) spans several lines: split on the start of each record.
    for rec in re.split(r'\n(?=\{"timestamp": )', read(os.path.join(pdir, f"{acct}.log"))):
        m = re.match(r'\{"timestamp": "[^"]*", "filename": "[^"]*", "level": "([A-Z]+)", "module": "([^"]*)", "message": "(.*)"\}\s*$', rec, re.S)
        if m and m.group(1) in ("ERROR", "CRITICAL"):
            errors[norm(f"{m.group(2)}: {m.group(3)}")] += 1
        elif not m and rec.strip():
            errors[norm("unparsed log record: " + rec)] += 1
    # The same records also go to stderr; count only what the log file lacks there.
    for line in read(os.path.join(pdir, f"{acct}.stderr")).splitlines():
        if "Traceback" in line:
            errors[norm("stderr: " + line)] += 1
samples = [l.split("\t") for l in read(os.path.join(out, "prowler.rss-samples")).splitlines() if l.count("\t") == 2]
rss_sum = max((int(s[2]) for s in samples), default=0) / 1024
req = json.loads(read(os.path.join(out, "prowler.requests.json")) or "null")
summary = dict(
    wall=t1 - t0, members=members, accounts=members + 1, accounts_in_report=len(rss), parallel=parallel,
    rss_mb=max(rss) if rss else None, rss_sum_mb=rss_sum, rss_per_process_mb=sorted(round(r) for r in rss),
    process_wall_s=sorted(round(w, 1) for w in walls), cpu=cpu,
    requests=req["requests"] if req else None,
    moto_cpu=float(read(os.path.join(out, "prowler.moto-cpu")) or "nan"),
    findings=sum(by_status.values()), by_status=dict(by_status.most_common()),
    errors=sum(errors.values()), error_reasons=dict(errors.most_common()), exit_codes=dict(rcs),
)
json.dump(summary, open(os.path.join(out, "prowler.summary.json"), "w"), indent=1)
PY
}

# --- the tables (also `--report DIR`) -------------------------------------------------------
report() {  # DIR
  "$py_emu" - "$1" <<'PY'
import glob, json, os, re, sys
from collections import Counter

d = sys.argv[1]

def read(p):
    try:
        with open(p) as f:
            return f.read()
    except OSError:
        return None

def gnu_time(text):
    out = {}
    if not text:
        return out
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        s = 0.0
        for part in m.group(1).split(":"):
            s = s * 60 + float(part)
        out["wall"] = s
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["rss_mb"] = int(m.group(1)) / 1024
    u = re.search(r"User time \(seconds\): ([\d.]+)", text)
    s = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if u and s:
        out["cpu"] = float(u.group(1)) + float(s.group(1))
    return out

def fnum(v, fmt="{:,.0f}"):
    return "–" if v is None else fmt.format(v)

def ftime(s):
    if s is None:
        return "–"
    return f"{s:.1f} s" if s < 120 else f"{s:.0f} s ({s / 60:.1f} min)"

seed = json.loads(read(os.path.join(d, "seed.json")) or "{}")
if seed:
    c = seed["counts"]
    print(f"Organization: management account {seed['management_account']} + {len(seed['member_accounts'])} member accounts, "
          f"{len(seed['regions'])} regions ({', '.join(seed['regions'])}), scale {seed['scale']}: {seed['resources']:,} resources "
          f"({seed['resources_per_account']} per account: {c['users']:,} users, {c['security_groups']:,} security groups, "
          f"{c['volumes']:,} volumes, {c['snapshots']:,} snapshots, {c['kms_keys']:,} KMS keys, {c['buckets']:,} buckets, "
          f"{c['trails']} trails, {c['metric_filters']} metric filters, ...). Organization created in {seed['organization_seconds']} s; "
          f"seeded with {seed['seed_requests']:,} requests in {seed['seed_seconds']} s; warm-up {seed['warm_requests']:,} "
          f"requests in {seed['warm_seconds']} s.")
    rss = read(os.path.join(d, "moto-rss-after-seed"))
    if rss:
        print(f"moto's RSS after seeding: {int(rss) / 1024:,.0f} MB.")
    print()

rampart = []
for p in glob.glob(os.path.join(d, "rampart-*.time")):
    run = os.path.basename(p)[:-len(".time")]
    n = int(run.split("-")[1])
    r = gnu_time(read(p))
    r["n"] = n
    req = json.loads(read(os.path.join(d, f"{run}.requests.json")) or "null")
    r["requests"] = req["requests"] if req else None
    r["moto_cpu"] = float(read(os.path.join(d, f"{run}.moto-cpu")) or "nan")
    r["rc"] = (read(os.path.join(d, f"{run}.rc")) or "?").strip()
    s = json.loads(read(os.path.join(d, f"{run}.summary.json")) or "null")
    if s:
        r.update(s)
    rampart.append(r)
rampart.sort(key=lambda r: r["n"])

prowler = json.loads(read(os.path.join(d, "prowler.summary.json")) or "null")

if rampart:
    print("Rampart at each organization size (management account + n member accounts, one process):")
    print()
    print("| member accounts | accounts in report | wall time | peak RSS | requests | requests per account | findings | ERROR findings | CPU (user+sys) | moto CPU | exit |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rampart:
        acc = r.get("accounts_in_report")
        per = r["requests"] / acc if r.get("requests") and acc else None
        print(f"| {r['n']} | {fnum(acc)} | {ftime(r.get('wall'))} | {fnum(r.get('rss_mb'), '{:,.0f} MB')} | {fnum(r.get('requests'))} | "
              f"{fnum(per, '{:.1f}')} | {fnum(r.get('findings'))} | {fnum(r.get('errors'))} | {fnum(r.get('cpu'), '{:.1f} s')} | "
              f"{fnum(r.get('moto_cpu'), '{:.1f} s')} | {r['rc']} |")
    print()

timelines = []
for r in rampart:
    rows = [l.split("\t") for l in (read(os.path.join(d, f"rampart-{r['n']}.rss-samples")) or "").splitlines() if l.count("\t") == 2]
    rows = [(float(t), int(kb) / 1024) for t, n, kb in rows if int(n) > 0]
    if len(rows) >= 4:
        t0, t1 = rows[0][0], rows[-1][0]
        at = lambda q: next(mb for t, mb in rows if t >= t0 + q * (t1 - t0))
        timelines.append(f"| {r['n']} | " + " | ".join(f"{at(q):,.0f} MB" for q in (0.1, 0.25, 0.5, 0.75, 1.0)) + f" | {max(mb for _, mb in rows):,.0f} MB |")
if timelines:
    print("Rampart's RSS over its run (sampled twice a second), at a fraction of its duration:")
    print()
    print("| member accounts | 10 % | 25 % | 50 % | 75 % | last sample | largest sample |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(timelines))
    print()

big = rampart[-1] if rampart else None
if prowler:
    match = [r for r in rampart if r["n"] == prowler["members"]]
    big = match[0] if match else big
if big or prowler:
    cols = []
    if big:
        cols.append((f"Rampart ({big['n']} member{'s' if big['n'] != 1 else ''} + management)", big))
    if prowler:
        cols.append((f"Prowler ({prowler['members']} member{'s' if prowler['members'] != 1 else ''} + management, {prowler['parallel']} at a time)", prowler))
    print("| | " + " | ".join(c[0] for c in cols) + (" | Prowler ÷ Rampart |" if len(cols) == 2 else " |"))
    print("|---|" + "---:|" * len(cols) + ("---:|" if len(cols) == 2 else ""))
    def row(label, key, fmt, extra_fn=None):
        vals = [c[1].get(key) for c in cols]
        cells = [fmt(v) if v is not None else "–" for v in vals]
        if extra_fn:
            cells = [extra_fn(c[1], cell) for c, cell in zip(cols, cells)]
        ratio = ""
        if len(cols) == 2:
            a, b = vals
            ratio = f" {b / a:.1f}× |" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a else " |"
        print(f"| {label} | " + " | ".join(cells) + " |" + ratio)
    for c in cols:
        t = c[1]
        acc = t.get("accounts_in_report") or t.get("accounts")
        t["_per"] = t["requests"] / acc if t.get("requests") and acc else None
    row("wall time", "wall", ftime)
    row("peak RSS (largest process)", "rss_mb", lambda v: f"{v:,.0f} MB")
    if prowler:
        row("peak RSS (all processes at once, sampled)", "rss_sum_mb", lambda v: f"{v:,.0f} MB")
    row("API requests", "requests", lambda v: f"{v:,.0f}")
    row("requests per account", "_per", lambda v: f"{v:.1f}")
    row("accounts audited", "accounts_in_report", lambda v: f"{v}")
    row("findings", "findings", lambda v: f"{v:,.0f}")
    row("ERROR findings (Prowler: ERROR records in its log)", "errors", lambda v: f"{v:,.0f}")
    row("CPU time of the tool (user+sys)", "cpu", lambda v: f"{v:.1f} s")
    row("CPU time of moto answering it", "moto_cpu", lambda v: f"{v:.1f} s")
    print()
    for label, t in cols:
        if t.get("by_status"):
            print(f"{label}: findings by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(t["by_status"].items(), key=lambda kv: -kv[1])))
    print()
    for label, t in cols:
        reasons = t.get("error_reasons") or {}
        if reasons:
            print(f"{label}: {'ERROR findings' if 'Rampart' in label else 'logged errors'} by reason (account ids and resource ids replaced):")
            print()
            print("| count | reason |")
            print("|---:|---|")
            for reason, n in list(reasons.items())[:25]:
                print(f"| {n:,} | {reason.replace('|', '/')} |")
            print()
PY
}
if [ -n "$report_only" ]; then
  for f in "$report_only"/rampart-*.json; do
    case "$f" in *.requests.json|*.summary.json) continue ;; esac
    [ -s "$f" ] && rampart_summary "$f" "${f%.json}.summary.json"
  done
  [ -f "$report_only/prowler.run" ] && prowler_summary "$report_only"
  report "$report_only"
  exit 0
fi

IFS=',' read -r -a sizes <<<"$accounts_list"
for n in "${sizes[@]}"; do
  case "$n" in ''|*[!0-9]*) echo "org.sh: --accounts-list takes numbers" >&2; exit 2 ;; esac
done
mapfile -t sizes < <(printf '%s\n' "${sizes[@]}" | sort -n -u)
largest="${sizes[-1]}"
prowler_members="${prowler_accounts:-$largest}"
if [ "$prowler_members" -gt "$largest" ]; then
  echo "org.sh: --prowler-accounts is larger than the organization ($largest)" >&2; exit 2
fi

all_regions=(us-east-1 eu-west-1 ap-southeast-2 us-west-2 eu-central-1 ap-northeast-1 sa-east-1 ca-central-1)
case "$regions_arg" in
  *[!0-9]*) IFS=',' read -r -a regions <<<"$regions_arg" ;;
  *) if [ "$regions_arg" -lt 1 ] || [ "$regions_arg" -gt "${#all_regions[@]}" ]; then
       echo "org.sh: --regions COUNT must be 1..${#all_regions[@]}" >&2; exit 2
     fi
     regions=("${all_regions[@]:0:$regions_arg}") ;;
esac
regions_csv="$(IFS=,; echo "${regions[*]}")"
prowler_services=(iam s3 cloudtrail ec2 vpc kms cloudwatch sns config guardduty securityhub accessanalyzer ssm rds efs account macie)
prowler_version="5.46.0"
attempts=2
role_name="OrganizationAccountAccessRole"

# --- the venvs, while the network is there (bench/lib.sh) --------------------------------------
source bench/lib.sh
bench_venvs "$only" "$prowler_version"
if [ "$only" != "prowler" ] && [ ! -x "$rampart" ]; then
  echo "org.sh: no rampart binary at $rampart (cargo build --release, or --rampart PATH)" >&2
  exit 1
fi

# --- a network namespace with loopback only ------------------------------------------------------
# Against a custom endpoint, botocore's S3 Control endpoint rules put the account id in front of
# the host (<account>.127.0.0.1), which the resolver then looks up in DNS (Prowler's s3 service
# sends such requests). So that nothing at all leaves the machine, the rest of the run (emulator,
# proxies, both tools) runs in a network namespace of its own that has only loopback: such a
# lookup fails at once. --no-isolate runs in the host's network instead.
if [ "$isolate" = 1 ]; then
  bench_loopback_only "$caller_pwd" "$repo/bench/org.sh" "${orig_args[@]}"
fi

out="${out:-$repo/bench/results/tmp/org-$largest${only:+-$only}}"
RAMPART_EMULATOR_DIR="$out/emulator" localstack/stop.sh 2>/dev/null || true  # left over from an interrupted run
rm -rf "$out"
mkdir -p "$out"
echo "outputs in $out" >&2
[ -n "${RAMPART_BENCH_NETNS:-}" ] && echo "in a network namespace with loopback only" >&2
if [ "$only" != "prowler" ]; then
  # A copy, so that a build finishing meanwhile does not change what is measured.
  cp "$rampart" "$out/rampart-bin"
  { sha256sum "$rampart"; ls -l --time-style=full-iso "$rampart"; } >"$out/rampart-bin.sha256"
  echo "$rampart" >"$out/rampart-bin.source"
  rampart="$out/rampart-bin"
fi

# --- the emulator ----------------------------------------------------------------------------
export RAMPART_EMULATOR_DIR="$out/emulator"
# Every background process this script starts (proxies, Prowler runs, the RSS sampler) is
# listed in $out/pids, so that an interrupted run stops exactly those (and their children).
: >"$out/pids"
cleanup() {
  local pid child
  while read -r pid; do
    [ -n "$pid" ] || continue
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      for grandchild in $(pgrep -P "$child" 2>/dev/null); do kill "$grandchild" 2>/dev/null || true; done
      kill "$child" 2>/dev/null || true
    done
    kill "$pid" 2>/dev/null || true
  done <"$out/pids"
  localstack/stop.sh
}
trap cleanup EXIT
endpoint="$(localstack/start.sh)"
moto_pid="$(cat "$RAMPART_EMULATOR_DIR/moto.pid")"
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
machine() {  # LABEL: what else the machine is doing
  { echo "== $1 $(date -u +%FT%TZ)"; cat /proc/loadavg; ps -eo pcpu,rss,etime,comm --sort=-pcpu | head -8; } >>"$out/machine.txt"
}
start_proxy() {  # NAME: starts a counting proxy logging to $out/NAME.requests.tsv; sets proxy_url, proxy_pid
  local port
  port="$(free_port)"
  "$py_emu" bench/count_proxy.py --listen "$port" --upstream "http://127.0.0.1:$moto_port" --cbor "$endpoint" \
    --log "$out/$1.requests.tsv" >"$out/$1.proxy.log" 2>&1 &
  proxy_pid=$!
  echo "$proxy_pid" >>"$out/pids"
  proxy_url="http://127.0.0.1:$port"
  wait_http "$proxy_url/moto-api/" "$proxy_pid" "$out/$1.proxy.log"  # analyze.py leaves out /moto-api/ probes
}
stop_proxy() {  # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Samples, twice a second, the summed RSS of the processes whose command line holds both MARK
# and NEEDLE (not /usr/bin/time itself) into FILE: time, processes, kB. Sets sampler.
rss_sampler() {  # MARK NEEDLE FILE
  "$py_emu" - "$1" "$2" "$3" <<'PY' &
import os, sys, time
mark, needle, path = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3]
me = str(os.getpid())
with open(path, "w", buffering=1) as f:
    while True:
        total, n = 0, 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid == me:
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as c:
                    cmd = c.read()
                if mark not in cmd or needle not in cmd or cmd.startswith(b"/usr/bin/time"):
                    continue
                with open(f"/proc/{pid}/status") as s:
                    for line in s:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]); n += 1
                            break
            except OSError:
                pass
        f.write(f"{time.time():.1f}\t{n}\t{total}\n")
        time.sleep(0.5)
PY
  sampler=$!
  echo "$sampler" >>"$out/pids"
}
stop_sampler() {
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
}

# Dummy credentials, nothing leaves the machine. No profile or session token from the caller.
creds=(env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
       AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1)

# --- seed ------------------------------------------------------------------------------------
machine "before seeding"
"$py_emu" bench/seed_org.py --endpoint-url "$endpoint" --accounts "$largest" --regions "$regions_csv" --scale "$scale" \
  --summary "$out/seed.json" 2> >(tee "$out/seed.log" >&2)
ps -o rss= -p "$moto_pid" | tr -d ' ' >"$out/moto-rss-after-seed"
management="$("$py_emu" -c 'import json,sys; print(json.load(open(sys.argv[1]))["management_account"])' "$out/seed.json")"
mapfile -t members < <("$py_emu" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["member_accounts"]))' "$out/seed.json")


# --- Rampart: one process, --org, at each size -----------------------------------------------
region_args=()
for r in "${regions[@]}"; do region_args+=(--region "$r"); done
if [ "$only" != "prowler" ]; then
  for n in "${sizes[@]}"; do
    run="rampart-$n"
    select=()
    if [ "$n" -lt "$largest" ]; then
      select=(--accounts "$(IFS=,; echo "$management,${members[*]:0:$n}")")
    fi
    [ -n "$max_accounts" ] && select+=(--max-accounts "$max_accounts")
    start_proxy "$run"
    machine "$run"
    moto_before="$(cpu_seconds "$moto_pid")"
    echo "running $run (management + $n member accounts) against $proxy_url" >&2
    rc=0
    rss_sampler "$out/$run.json" "audit" "$out/$run.rss-samples"
    "${creds[@]}" RAMPART_MAX_ATTEMPTS="$attempts" /usr/bin/time -v -o "$out/$run.time" \
      "$rampart" audit --org --endpoint-url "$proxy_url" "${region_args[@]}" "${select[@]}" \
      --format json -o "$out/$run.json" >"$out/$run.stdout" 2>"$out/$run.stderr" || rc=$?
    echo "$rc" >"$out/$run.rc"
    stop_sampler
    awk -v a="$(cpu_seconds "$moto_pid")" -v b="$moto_before" 'BEGIN { print a - b }' >"$out/$run.moto-cpu"
    stop_proxy "$proxy_pid"
    "$py_emu" bench/analyze.py "$out/$run.requests.tsv" --json "$out/$run.requests.json" --top 40 >"$out/$run.requests.md"
    if [ -s "$out/$run.json" ]; then rampart_summary "$out/$run.json" "$out/$run.summary.json"; fi
    echo "$run exited with $rc; $(grep -E 'Elapsed|Maximum resident' "$out/$run.time" | tr -s ' \t' ' ' | paste -sd ';')" >&2
  done
fi

# --- Prowler: one process per account, --parallel at a time ----------------------------------
if [ "$only" != "rampart" ]; then
  pdir="$out/prowler"
  mkdir -p "$pdir"
  targets=("$management" "${members[@]:0:$prowler_members}")
  # Summed RSS of every Prowler process of this run (their command lines name $pdir), twice a second.
  rss_sampler "$pdir" ".prowler-venv" "$out/prowler.rss-samples"
  prowler_one() {  # ACCOUNT
    local id="$1" role=() proxy_url proxy_pid rc=0
    [ "$id" != "$management" ] && role=(--role "arn:aws:iam::$id:role/$role_name")
    start_proxy "prowler/$id"
    "${creds[@]}" AWS_ENDPOINT_URL="$proxy_url" /usr/bin/time -v -o "$pdir/$id.time" \
      "$repo/bench/.prowler-venv/bin/prowler" aws "${role[@]}" \
      -f "${regions[@]}" --services "${prowler_services[@]}" --aws-retries-max-attempts "$attempts" --scan-unused-services \
      --no-banner --output-formats json-ocsf --output-directory "$pdir/$id-output" --output-filename prowler \
      --log-level ERROR --log-file "$pdir/$id.log" >"$pdir/$id.stdout" 2>"$pdir/$id.stderr" || rc=$?
    echo "$rc" >"$pdir/$id.rc"
    stop_proxy "$proxy_pid"
    "$py_emu" bench/report.py --count-ocsf "$pdir/$id-output" >"$pdir/$id.findings.json"
    rm -f "$pdir/$id-output/"*.ocsf.json
    echo "  prowler $id exited with $rc; $(grep -E 'Elapsed|Maximum resident' "$pdir/$id.time" | tr -s ' \t' ' ' | paste -sd ';')" >&2
  }
  machine "prowler"
  moto_before="$(cpu_seconds "$moto_pid")"
  echo "running prowler on ${#targets[@]} accounts, $parallel at a time" >&2
  t0="$(date +%s.%N)"
  running=0
  for id in "${targets[@]}"; do
    if [ "$running" -ge "$parallel" ]; then
      wait -n || true
      running=$((running - 1))
    fi
    prowler_one "$id" &
    echo $! >>"$out/pids"
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait -n || true
    running=$((running - 1))
  done
  t1="$(date +%s.%N)"
  awk -v a="$(cpu_seconds "$moto_pid")" -v b="$moto_before" 'BEGIN { print a - b }' >"$out/prowler.moto-cpu"
  stop_sampler
  machine "after prowler"
  cat "$pdir"/*.requests.tsv >"$out/prowler.requests.tsv"
  "$py_emu" bench/analyze.py "$out/prowler.requests.tsv" --json "$out/prowler.requests.json" --top 40 >"$out/prowler.requests.md"
  echo "$t0 $t1 $parallel $prowler_members" >"$out/prowler.run"
  prowler_summary "$out"
  echo "prowler: $(printf '%.0f' "$(awk -v a="$t1" -v b="$t0" 'BEGIN{print a-b}')") s for ${#targets[@]} accounts" >&2
fi

report "$out" | tee "$out/results.md"
