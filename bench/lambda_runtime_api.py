#!/usr/bin/env python3
"""A fake AWS Lambda Runtime API on loopback, for timing a custom runtime (`bootstrap`).

Serves the endpoints a runtime polls (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):

  GET  /2018-06-01/runtime/invocation/next          the next event, with the Lambda-Runtime-* headers
  POST /2018-06-01/runtime/invocation/{id}/response the handler's answer
  POST /2018-06-01/runtime/invocation/{id}/error    the handler's error
  POST /2018-06-01/runtime/init/error               an error during initialization

It hands out the payloads given (a JSON list, in order), one per `next`, records when each
request arrived, and once the last invocation is answered (or the runtime dies) it ends the
runtime and writes the record as JSON.

With `--exec CMD...` it starts the runtime itself, with AWS_LAMBDA_RUNTIME_API pointing at it
(the rest of the environment is inherited), so that the start of the process is timed by the
same clock as the requests, and its peak RSS is read from /proc (VmHWM, just before the
runtime is ended; wait4's ru_maxrss is recorded too, but it also counts this Python process's
memory, which the child shares between fork and exec). The runtime's stdout and stderr go to
the files named by --stdout and --stderr.

Times in the record are milliseconds since the runtime was started (or since the server
started, without --exec).

    python3 bench/lambda_runtime_api.py --payloads events.json --record out.json \\
        --stdout run.out --stderr run.err --exec target/lambda/rampart-lambda/bootstrap
"""

import argparse
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime"


class State:
    def __init__(self, payloads, deadline_ms, function_arn):
        self.payloads = payloads
        self.deadline_ms = deadline_ms
        self.function_arn = function_arn
        self.t0 = time.monotonic_ns()
        self.lock = threading.Lock()
        self.next_index = 0
        self.invocations = []  # one dict per payload handed out
        self.by_id = {}
        self.polls = []  # arrival of every GET next
        self.init_error = None
        self.done = threading.Event()

    def now_ms(self):
        return (time.monotonic_ns() - self.t0) / 1e6

    def answered(self):
        return sum(1 for inv in self.invocations if inv.get("outcome"))


def read_body(handler):
    """The request body, plain or chunked."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size_line = handler.rfile.readline().strip()
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                # trailers, up to the empty line
                while handler.rfile.readline().strip():
                    pass
                break
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
        return b"".join(chunks)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: without TCP_NODELAY the body would wait
        # for the client's delayed ACK (40 ms on Linux), which would be counted as the runtime's.
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):  # quiet
            pass

        def send(self, status, body=b"", headers=None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def do_GET(self):
            if self.path != PREFIX + "/invocation/next":
                self.send(404, b'{"errorMessage":"unknown path"}')
                return
            with state.lock:
                arrived = state.now_ms()
                state.polls.append(arrived)
                index = state.next_index
                if index < len(state.payloads):
                    state.next_index += 1
                    request_id = str(uuid.uuid4())
                    inv = {"index": index, "request_id": request_id, "next_at_ms": arrived}
                    state.invocations.append(inv)
                    state.by_id[request_id] = inv
                else:
                    inv = None
            if inv is None:
                # No more events: hold the poll as Lambda does, until the runtime is ended.
                state.done.wait()
                return
            body = json.dumps(state.payloads[index]).encode()
            deadline = int(time.time() * 1000) + state.deadline_ms
            headers = {
                "Lambda-Runtime-Aws-Request-Id": inv["request_id"],
                "Lambda-Runtime-Deadline-Ms": str(deadline),
                "Lambda-Runtime-Invoked-Function-Arn": state.function_arn,
                "Lambda-Runtime-Trace-Id": "Root=1-%08x-%s;Parent=%s;Sampled=0"
                % (int(time.time()), uuid.uuid4().hex[:24], uuid.uuid4().hex[:16]),
            }
            inv["sent_at_ms"] = state.now_ms()
            self.send(200, body, headers)

        def do_POST(self):
            body = read_body(self)
            at = state.now_ms()
            path = self.path
            if path == PREFIX + "/init/error":
                state.init_error = {"at_ms": at, "body": body.decode(errors="replace"),
                                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type")}
                self.send(202, b'{"status":"OK"}')
                state.done.set()
                return
            parts = path[len(PREFIX):].split("/") if path.startswith(PREFIX) else []
            # ['', 'invocation', id, 'response'|'error']
            if len(parts) != 4 or parts[1] != "invocation" or parts[3] not in ("response", "error"):
                self.send(404, b'{"errorMessage":"unknown path"}')
                return
            inv = state.by_id.get(parts[2])
            if inv is None:
                self.send(400, b'{"errorMessage":"unknown request id"}')
                return
            inv["outcome"] = parts[3]
            inv["answered_at_ms"] = at
            inv["duration_ms"] = at - inv["sent_at_ms"]
            inv["error_type"] = self.headers.get("Lambda-Runtime-Function-Error-Type")
            text = body.decode(errors="replace")
            try:
                inv["body"] = json.loads(text)
            except ValueError:
                inv["body"] = text
            self.send(202, b'{"status":"OK"}')
            with state.lock:
                if state.answered() == len(state.payloads):
                    state.done.set()

    return Handler


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--payloads", required=True, help="JSON file: a list of events, served in order")
    ap.add_argument("--record", required=True, help="where the JSON record is written")
    ap.add_argument("--deadline-s", type=int, default=900, help="each invocation's time limit (default 900, the template's)")
    ap.add_argument("--function-arn", default="arn:aws:lambda:us-east-1:123456789012:function:rampart-bench")
    ap.add_argument("--timeout-s", type=float, default=1800, help="give up after this long")
    ap.add_argument("--stdout", default=os.devnull, help="runtime's stdout (with --exec)")
    ap.add_argument("--stderr", default=os.devnull, help="runtime's stderr (with --exec)")
    ap.add_argument("--exec", dest="command", nargs=argparse.REMAINDER, help="start this runtime")
    args = ap.parse_args()

    with open(args.payloads) as f:
        payloads = json.load(f)
    if not isinstance(payloads, list) or not payloads:
        sys.exit("--payloads: a non-empty JSON list of events")

    state = State(payloads, args.deadline_s * 1000, args.function_arn)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    proc = None
    if args.command:
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}")
        out = open(args.stdout, "wb")
        err = open(args.stderr, "wb")
        state.t0 = time.monotonic_ns()
        proc = subprocess.Popen(args.command, env=env, stdout=out, stderr=err)
        print(f"runtime pid {proc.pid}, Runtime API 127.0.0.1:{port}", file=sys.stderr)
    else:
        print(f"AWS_LAMBDA_RUNTIME_API=127.0.0.1:{port}", flush=True)

    # Wait for the last answer, an init error, the runtime's death, or the timeout.
    exit_status = None
    rusage = None
    deadline = time.monotonic() + args.timeout_s
    while not state.done.is_set() and time.monotonic() < deadline:
        if proc is not None:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                exit_status, rusage = os.waitstatus_to_exitcode(status), ru
                proc.returncode = exit_status
                break
        state.done.wait(0.05)
    timed_out = not state.done.is_set() and exit_status is None
    record = {
        "port": port,
        "timed_out": timed_out,
        "polls_ms": state.polls,
        "first_next_ms": state.polls[0] if state.polls else None,
        "init_error": state.init_error,
        "invocations": state.invocations,
    }
    if proc is not None:
        if exit_status is None:
            record["vm_hwm_kb"] = vm_hwm_kb(proc.pid)
            # The runtime waits on its next poll: end it, as Lambda ends an idle environment.
            proc.send_signal(signal.SIGTERM)
            try:
                _, status, rusage = os.wait4(proc.pid, 0)
                exit_status = os.waitstatus_to_exitcode(status)
                proc.returncode = exit_status
            except ChildProcessError:
                pass
            record["ended_by"] = "SIGTERM after the last answer"
        else:
            record["ended_by"] = "the runtime exited by itself"
        record["exit_status"] = exit_status
        if rusage is not None:
            record["ru_maxrss_kb"] = rusage.ru_maxrss
            record["user_s"] = rusage.ru_utime
            record["sys_s"] = rusage.ru_stime
    state.done.set()
    server.shutdown()
    with open(args.record, "w") as f:
        json.dump(record, f, indent=2)
    sys.exit(1 if timed_out else 0)


if __name__ == "__main__":
    main()
