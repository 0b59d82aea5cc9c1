#!/usr/bin/env python3
"""Print the results table of a bench/run.sh output directory (markdown).

Usage: report.py DIR

Reads DIR/seed.json, DIR/TOOL.time (/usr/bin/time -v), DIR/TOOL.requests.json (analyze.py),
DIR/TOOL.moto-cpu, DIR/rampart.json and DIR/prowler-output/*.ocsf.json.
"""

import collections
import glob
import json
import os
import re
import sys

TOOLS = ("rampart", "prowler")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


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


def findings(d, tool):
    """Counts by status, or None."""
    if tool == "rampart":
        text = read(os.path.join(d, "rampart.json"))
        if not text:
            return None
        counts = json.loads(text)["summary"]["counts"]
        return {k.upper(): v for k, v in counts.items() if v}
    files = glob.glob(os.path.join(d, "prowler-output", "*.ocsf.json"))
    if not files:
        return None
    c = collections.Counter()
    for path in files:
        with open(path) as f:
            for item in json.load(f):
                status = item.get("status_code") or item.get("status") or "?"
                c["MUTED" if item.get("muted") else status.upper()] += 1
    return dict(c)


def fmt_time(s):
    if s is None:
        return "–"
    return f"{s:.1f} s" if s < 120 else f"{s:.0f} s ({s / 60:.1f} min)"


def main():
    d = sys.argv[1]
    seed = json.loads(read(os.path.join(d, "seed.json")) or "{}")
    resources = seed.get("resources")
    rows = {}
    for tool in TOOLS:
        t = gnu_time(read(os.path.join(d, f"{tool}.time")))
        if not t:
            continue
        req = json.loads(read(os.path.join(d, f"{tool}.requests.json")) or "null")
        moto = read(os.path.join(d, f"{tool}.moto-cpu"))
        rc = (read(os.path.join(d, f"{tool}.rc")) or "?").strip()
        rows[tool] = dict(t, req=req, moto_cpu=float(moto) if moto else None, rc=rc, findings=findings(d, tool))

    if seed:
        c = seed["counts"]
        print(f"Seeded account (scale {seed['scale']}): {c['users']:,} users, {c['security_groups']:,} security groups, "
              f"{c['volumes']:,} volumes, {c['buckets']:,} buckets, {c['kms_keys']:,} KMS keys = {resources:,} resources "
              f"over {len(seed['regions'])} regions; seeded with {seed['seed_requests']:,} requests in {seed['seed_seconds']} s.")
        print()
    tools = [t for t in TOOLS if t in rows]
    print("| | " + " | ".join(t.capitalize() for t in tools) + (" | Prowler ÷ Rampart |" if len(tools) == 2 else " |"))
    print("|---|" + "---:|" * len(tools) + ("---:|" if len(tools) == 2 else ""))

    def line(label, key, fmt, ratio=True):
        vals = [rows[t].get(key) if not callable(key) else key(rows[t]) for t in tools]
        cells = [fmt(v) if v is not None else "–" for v in vals]
        extra = ""
        if len(tools) == 2:
            a, b = vals
            extra = f" {b / a:.1f}× |" if ratio and a and b else " |"
        print(f"| {label} | " + " | ".join(cells) + " |" + extra)

    requests = lambda r: r["req"]["requests"] if r.get("req") else None
    per_resource = lambda r: r["req"]["requests"] / resources if r.get("req") and resources else None
    errors = lambda r: sum(v for k, v in r["req"]["status"].items() if k in ("4xx", "5xx")) if r.get("req") else None
    total_findings = lambda r: sum(r["findings"].values()) if r.get("findings") else None
    line("wall time", "wall", fmt_time)
    line("peak RSS", "rss_mb", lambda v: f"{v:,.0f} MB")
    line("API requests", requests, lambda v: f"{v:,}")
    line("requests per seeded resource", per_resource, lambda v: f"{v:.2f}")
    line("of which answered 4xx/5xx", errors, lambda v: f"{v:,}")
    line("CPU time of the tool (user+sys)", "cpu", lambda v: f"{v:.1f} s")
    line("CPU time of moto answering it", "moto_cpu", lambda v: f"{v:.1f} s")
    line("findings", total_findings, lambda v: f"{v:,}")
    line("findings by status", lambda r: r.get("findings"),
         lambda v: ", ".join(f"{k} {n:,}" for k, n in sorted(v.items(), key=lambda kv: -kv[1])), ratio=False)
    line("exit code", "rc", str, ratio=False)


if __name__ == "__main__":
    main()
