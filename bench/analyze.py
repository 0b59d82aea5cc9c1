#!/usr/bin/env python3
"""Summarise a count_proxy.py log: requests per service and per API action, errors, time.

Usage: analyze.py LOG [--json OUT] [--top N]

Each logged request is named by its API action: X-Amz-Target or the Smithy RPC v2 CBOR
operation (JSON and CBOR protocols), the Action parameter (Query protocol), or, for REST
protocols (S3, S3 Control, GuardDuty, EFS, Security Hub, ...), the operation of botocore's
service model whose HTTP method and request URI match the request. Run it with a Python that
has botocore (the emulator's venv: localstack/.venv/bin/python).

Prints a markdown summary on stdout; --json writes the full counts.
"""

import argparse
import collections
import json
import re
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

import botocore.session

# SigV4 signing names whose botocore models differ in name.
KNOWN = {
    "s3": ["s3", "s3control"],
    "access-analyzer": ["accessanalyzer"],
    "elasticfilesystem": ["efs"],
    "monitoring": ["cloudwatch"],
    "execute-api": [],
}


class RestMatcher:
    def __init__(self):
        self.session = botocore.session.get_session()
        self.by_scope = {}
        self._all = None

    def _ops(self, scope):
        if scope in self.by_scope:
            return self.by_scope[scope]
        names = KNOWN.get(scope)
        if names is None:
            available = self.session.get_available_services()
            names = [scope] if scope in available else []
            if not names:  # rare: find the models that sign with this name
                if self._all is None:
                    self._all = {n: self.session.get_service_model(n) for n in available}
                names = [n for n, m in self._all.items() if m.signing_name == scope]
        ops = []
        for i, n in enumerate(names):
            model = self.session.get_service_model(n)
            for op_name in model.operation_names:
                http = model.operation_model(op_name).http
                uri = http.get("requestUri", "/")
                path, _, query = uri.partition("?")
                regex = "^" + re.sub(r"\\\{[A-Za-z0-9_]+\\\+\\\}", ".+", re.sub(r"\\\{[A-Za-z0-9_]+\\\}", "[^/]+", re.escape(path))) + "$"
                literal = dict(kv.partition("=")[::2] for kv in query.split("&") if kv)
                score = len(re.sub(r"\{[^}]+\}", "", path)) + 100 * len(literal)
                # The first model keeps plain names; others (S3 Control) are prefixed.
                ops.append((http.get("method", "POST"), re.compile(regex), literal, score, op_name if i == 0 else f"{n}:{op_name}"))
        self.by_scope[scope] = ops
        return ops

    def name(self, scope, method, raw_path):
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        if len(path) > 1 and path.endswith("/"):  # the Rust SDK writes /bucket/?acl
            path = path[:-1]
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        best = None
        for m, regex, literal, score, op in self._ops(scope):
            if m != method or not regex.match(path):
                continue
            if any(k not in query or (v and query[k] != v) for k, v in literal.items()):
                continue
            if best is None or score > best[0]:
                best = (score, op)
        return best[1] if best else f"{method} {parts.path}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("log")
    p.add_argument("--json")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()

    rest = RestMatcher()
    per_action = collections.Counter()
    per_service = collections.Counter()
    errors = collections.Counter()
    ms_action = collections.Counter()
    status_class = collections.Counter()
    first = last = None
    total = 0
    span = {}  # service: [first start, last end]
    intervals = []
    with open(a.log) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 10:
                continue
            start, ms, status, method, service, region, target, action, path, _size = cols[:10]
            if path.startswith("/moto-api"):  # run.sh's readiness probe, not the tool's
                continue
            start, ms, status = float(start), float(ms), int(status)
            if target != "-":
                op = target.rsplit(".", 1)[-1]
            elif action != "-":
                op = action
            else:
                op = rest.name(service, method, path)
                if ":" in op:  # another model of the same signing name (S3 Control)
                    service, op = op.split(":", 1)
            total += 1
            per_action[(service, op)] += 1
            per_service[service] += 1
            ms_action[(service, op)] += ms
            status_class[f"{status // 100}xx"] += 1
            if status >= 400:
                errors[(service, op, status)] += 1
            first = start if first is None else min(first, start)
            last = max(last or 0, start + ms / 1000)
            sp = span.setdefault(service, [start, start + ms / 1000])
            sp[0], sp[1] = min(sp[0], start), max(sp[1], start + ms / 1000)
            intervals.append((start, start + ms / 1000))

    # Time with at least one request in flight: the rest is the tool working (or waiting) alone.
    in_flight = 0.0
    cur_s = cur_e = None
    for s0, e0 in sorted(intervals):
        if cur_e is None or s0 > cur_e:
            if cur_e is not None:
                in_flight += cur_e - cur_s
            cur_s, cur_e = s0, e0
        else:
            cur_e = max(cur_e, e0)
    if cur_e is not None:
        in_flight += cur_e - cur_s

    out = {
        "requests": total,
        "span_seconds": round((last or 0) - (first or 0), 1),
        "first_request_s": round(first or 0, 2),
        "in_flight_seconds": round(in_flight, 1),
        "service_spans": {k: {"requests": per_service[k], "from_s": round(v[0] - (first or 0), 1),
                              "to_s": round(v[1] - (first or 0), 1)} for k, v in span.items()},
        "status": dict(status_class),
        "services": dict(per_service.most_common()),
        "actions": [{"service": s, "action": o, "requests": n, "busy_ms": round(ms_action[(s, o)])}
                    for (s, o), n in per_action.most_common()],
        "errors": [{"service": s, "action": o, "status": st, "requests": n} for (s, o, st), n in errors.most_common()],
    }
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)

    print(f"{total} requests between {out['span_seconds']} s from the first request to the last answer, "
          f"{out['in_flight_seconds']} s of it with a request in flight; status: "
          + ", ".join(f"{k} {v}" for k, v in sorted(status_class.items())))
    print()
    print("| service | requests | first request (s) | last answer (s) |")
    print("|---|---:|---:|---:|")
    for s, n in per_service.most_common():
        v = out["service_spans"][s]
        print(f"| {s} | {n:,} | {v['from_s']} | {v['to_s']} |")
    print()
    print(f"| top actions | requests | summed latency (s) |")
    print("|---|---:|---:|")
    for (s, o), n in per_action.most_common(a.top):
        print(f"| {s}:{o} | {n:,} | {ms_action[(s, o)] / 1000:.1f} |")
    if errors:
        print()
        print("| errors | status | requests |")
        print("|---|---:|---:|")
        for (s, o, st), n in errors.most_common(a.top):
            print(f"| {s}:{o} | {st} | {n:,} |")


if __name__ == "__main__":
    main()
