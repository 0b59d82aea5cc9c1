#!/usr/bin/env python3
"""Print the results table of a bench/run.sh output directory (markdown).

Usage: report.py DIR
       report.py --count-ocsf DIR     findings of Prowler's OCSF output in DIR, by status (JSON);
                                      by check into DIR.checks.json

Reads, for each run TOOL-N of the directory: DIR/TOOL-N.time (/usr/bin/time -v),
DIR/TOOL-N.requests.json (analyze.py), DIR/TOOL-N.moto-cpu, DIR/rampart-N.json,
DIR/prowler-N.findings.json; and DIR/seed.json. With several runs per tool the table gives
the median and, for wall time, the range.
"""

import glob
import json
import os
import re
import statistics
import sys
from collections import Counter

TOOLS = ("rampart", "prowler")
# Prowler's OCSF output is a pretty-printed JSON array: one finding's own keys are indented
# by four spaces. A 150,000-finding file is 1.4 GB, too big to load as a whole.
OCSF_STATUS = re.compile(r'^    "status_code": "([A-Z]+)"')
OCSF_CHECK = re.compile(r'^        "event_code": "([^"]+)"')


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def count_ocsf(d, checks=None):
    """Findings by status; by check too, into `checks`, if given."""
    c = Counter()
    for path in glob.glob(os.path.join(d, "*.ocsf.json")):
        with open(path) as f:
            for line in f:
                m = OCSF_STATUS.match(line)
                if m:
                    c[m.group(1)] += 1
                elif checks is not None:
                    m = OCSF_CHECK.match(line)
                    if m:
                        checks[m.group(1)] += 1
    return dict(c)


def gnu_time(text):
    if not text:
        return {}
    out = {}
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        secs = 0.0
        for part in m.group(1).split(":"):
            secs = secs * 60 + float(part)
        out["wall"] = secs
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["rss_mb"] = int(m.group(1)) / 1024
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if user and system:
        out["cpu"] = float(user.group(1)) + float(system.group(1))
    return out


def findings(d, run):
    """Counts by status, or None."""
    if run.startswith("rampart"):
        text = read(os.path.join(d, f"{run}.json"))
        if not text:
            return None
        counts = json.loads(text)["summary"]["counts"]
        return {k.upper(): v for k, v in counts.items() if v}
    text = read(os.path.join(d, f"{run}.findings.json"))
    if text:
        return json.loads(text)
    return count_ocsf(os.path.join(d, f"{run}-output")) or None


def load_run(d, run):
    t = gnu_time(read(os.path.join(d, f"{run}.time")))
    if not t:
        return None
    req = json.loads(read(os.path.join(d, f"{run}.requests.json")) or "null")
    moto = read(os.path.join(d, f"{run}.moto-cpu"))
    rc = (read(os.path.join(d, f"{run}.rc")) or "?").strip()
    t.update(
        requests=req["requests"] if req else None,
        errors=sum(v for k, v in req["status"].items() if k in ("4xx", "5xx")) if req else None,
        moto_cpu=float(moto) if moto else None,
        rc=rc,
        findings=findings(d, run),
    )
    return t


def fmt_time(s):
    return f"{s:.1f} s" if s < 120 else f"{s:.0f} s ({s / 60:.1f} min)"


def main():
    if sys.argv[1] == "--count-ocsf":
        checks = Counter()
        print(json.dumps(count_ocsf(sys.argv[2], checks)))
        with open(sys.argv[2].rstrip("/") + ".checks.json", "w") as f:
            json.dump(dict(checks.most_common()), f, indent=1)
        return
    d = sys.argv[1]
    seed = json.loads(read(os.path.join(d, "seed.json")) or "{}")
    resources = seed.get("resources")
    runs = {}
    for tool in TOOLS:
        names = sorted(os.path.basename(p)[: -len(".time")] for p in glob.glob(os.path.join(d, f"{tool}-*.time")))
        loaded = [r for r in (load_run(d, n) for n in names) if r]
        if loaded:
            runs[tool] = loaded

    if seed:
        c = seed["counts"]
        snapshots = f"{c['snapshots']:,} snapshots, " if "snapshots" in c else ""
        print(f"Seeded account (scale {seed['scale']}): {c['users']:,} users, {c['security_groups']:,} security groups, "
              f"{c['volumes']:,} volumes, {snapshots}{c['buckets']:,} buckets, {c['kms_keys']:,} KMS keys = {resources:,} resources "
              f"over {len(seed['regions'])} regions; seeded with {seed['seed_requests']:,} requests in {seed['seed_seconds']} s.")
        print()
    tools = [t for t in TOOLS if t in runs]
    n = {t: len(runs[t]) for t in tools}
    head = [f"{t.capitalize()}" + (f" (median of {n[t]})" if n[t] > 1 else "") for t in tools]
    both = len(tools) == 2
    print("| | " + " | ".join(head) + (" | Prowler ÷ Rampart |" if both else " |"))
    print("|---|" + "---:|" * len(tools) + ("---:|" if both else ""))

    def med(tool, key):
        vals = [r[key] for r in runs[tool] if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def line(label, key, fmt, spread=False):
        vals = [med(t, key) for t in tools]
        cells = []
        for t, v in zip(tools, vals):
            cell = fmt(v) if v is not None else "–"
            if spread and n[t] > 1:
                all_vals = [r[key] for r in runs[t]]
                cell += f" ({fmt(min(all_vals))} – {fmt(max(all_vals))})"
            cells.append(cell)
        extra = ""
        if both:
            a, b = vals
            extra = f" {b / a:.1f}× |" if a and b else " |"
        print(f"| {label} | " + " | ".join(cells) + " |" + extra)

    for t in tools:
        for r in runs[t]:
            r["per_resource"] = r["requests"] / resources if r.get("requests") and resources else None
            r["total_findings"] = sum(r["findings"].values()) if r.get("findings") else None
    line("wall time", "wall", fmt_time, spread=True)
    line("peak RSS", "rss_mb", lambda v: f"{v:,.0f} MB", spread=True)
    line("API requests", "requests", lambda v: f"{v:,.0f}")
    line("requests per seeded resource", "per_resource", lambda v: f"{v:.2f}")
    line("of which answered 4xx/5xx", "errors", lambda v: f"{v:,.0f}")
    line("CPU time of the tool (user+sys)", "cpu", lambda v: f"{v:.1f} s")
    line("CPU time of moto answering it", "moto_cpu", lambda v: f"{v:.1f} s")
    line("findings", "total_findings", lambda v: f"{v:,.0f}")
    cells = []
    for t in tools:
        f = runs[t][0].get("findings")
        same = all(r.get("findings") == f for r in runs[t])
        cell = ", ".join(f"{k} {v:,}" for k, v in sorted(f.items(), key=lambda kv: -kv[1])) if f else "–"
        cells.append(cell + ("" if same else " (differs between runs)"))
    print("| findings by status | " + " | ".join(cells) + " |" + (" |" if both else ""))
    print("| exit code | " + " | ".join(", ".join(sorted({r["rc"] for r in runs[t]})) for t in tools) + " |"
          + (" |" if both else ""))


if __name__ == "__main__":
    main()
