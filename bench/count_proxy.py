#!/usr/bin/env python3
"""A loopback pass-through HTTP proxy that logs every request a tool sends to the emulator.

Usage: count_proxy.py --listen PORT --upstream http://127.0.0.1:MOTO_PORT
                      [--cbor http://127.0.0.1:BRIDGE_PORT] --log FILE

Each request is forwarded unchanged over one of at most --connections kept-alive
connections: Smithy RPC v2 CBOR requests (the Rust CloudWatch client's) and EC2
DescribeSnapshots with RestorableByUserIds (which moto ignores) to --cbor, the emulator's
cbor_bridge.py, and every other request straight to moto (--upstream), which is
what the bridge itself would do with them. Going around the bridge matters for timing: the
bridge writes a response's headers and body in two sends, and on many requests the body then
waits about 40 ms for the client's delayed ACK (Nagle's algorithm); moto answers the same
request in a few milliseconds. This proxy answers in a single send, with TCP_NODELAY.

One tab-separated line is appended to FILE per request, when the answer has been sent:

  start_s  duration_ms  status  method  service  region  target  action  path  response_bytes

start_s is seconds since the proxy started; service and region come from the SigV4
credential scope of the Authorization header; target is X-Amz-Target (JSON protocols) or
the operation of a Smithy RPC v2 CBOR path; action is the Query protocol's Action. REST
calls (S3, GuardDuty, EFS, ...) are told apart later from method and path (analyze.py).
The proxy only listens on, and only forwards to, loopback addresses.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/")
CBOR_OP = re.compile(r"^/service/[^/]+/operation/([A-Za-z0-9]+)$")
ACTION = re.compile(rb"(?:^|&)Action=([A-Za-z0-9]+)")


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1 << 16)
        self.lock = threading.Lock()
        self.t0 = time.monotonic()

    def write(self, fields):
        line = "\t".join(str(x).replace("\t", " ").replace("\n", " ") for x in fields) + "\n"
        with self.lock:
            self.f.write(line)

    def flush(self):
        with self.lock:
            self.f.flush()


class Pool:
    """At most `size` kept-alive connections to one upstream, shared by the handler threads."""

    def __init__(self, url, size):
        u = urlparse(url)
        if u.hostname not in ("127.0.0.1", "localhost"):
            sys.exit("count_proxy: only a loopback upstream is proxied")
        self.host, self.port = u.hostname, u.port
        self.slots = threading.BoundedSemaphore(size)
        self.idle = []
        self.lock = threading.Lock()
        self.retries = 0

    def take(self):
        with self.lock:
            if self.idle:
                return self.idle.pop()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=900)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def give(self, conn):
        with self.lock:
            self.idle.append(conn)

    def send(self, method, path, raw, headers):
        # A reset (a listen queue overflowing, a kept-alive connection closed meanwhile) is
        # retried on a fresh connection. Every request the tools send is a read, so sending
        # it again is harmless.
        with self.slots:
            for attempt in range(1, 7):
                conn = None
                try:
                    conn = self.take()
                    conn.request(method, path, body=raw, headers=headers)
                    resp = conn.getresponse()
                    payload = resp.read()
                    self.give(conn)
                    return resp, payload
                except (http.client.HTTPException, ConnectionError):
                    if conn is not None:
                        conn.close()
                    if attempt == 6:
                        raise
                    self.retries += 1
                    time.sleep(0.05 * attempt)


class Proxy(BaseHTTPRequestHandler):
    moto = None  # Pool, set in main
    cbor = None  # Pool or None
    log = None
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, headers, payload):
        """Status line, headers and body in one send."""
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()

    def handle_any(self):
        start = time.monotonic()
        raw = self.body()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if raw or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(raw))
        cbor = CBOR_OP.match(self.path) if self.headers.get("smithy-protocol") == "rpc-v2-cbor" else None
        # The bridge also answers the DescribeSnapshots filter moto ignores (RestorableBy).
        bridged = cbor or (b"Action=DescribeSnapshots" in raw and b"RestorableBy" in raw)
        pool = self.cbor if bridged and self.cbor else self.moto
        try:
            resp, payload = pool.send(self.command, self.path, raw, headers)
            status = resp.status
            self.answer(status, resp.getheaders(), payload)
        except Exception as e:  # upstream gone: answer 502 and log it
            status, payload = 502, b""
            self.answer(502, [], b"")
            print(f"count_proxy: {self.command} {self.path}: {e}", file=sys.stderr)
        m = SCOPE.search(self.headers.get("Authorization", ""))
        region, service = (m.group(1), m.group(2)) if m else ("-", "-")
        target = self.headers.get("X-Amz-Target", "")
        if not target:
            c = CBOR_OP.match(self.path)
            target = c.group(1) if c else ""
        action = ""
        if not target:
            a = ACTION.search(raw[:4096]) if raw else None
            if a:
                action = a.group(1).decode()
            elif "Action=" in self.path:
                action = parse_qs(urlparse(self.path).query).get("Action", [""])[0]
        self.log.write([f"{start - self.log.t0:.4f}", f"{(time.monotonic() - start) * 1000:.1f}", status, self.command,
                        service, region, target or "-", action or "-", self.path, len(payload)])

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--upstream", required=True, help="moto (or anything that answers every request)")
    p.add_argument("--cbor", help="where Smithy RPC v2 CBOR requests go (cbor_bridge.py); default: --upstream")
    p.add_argument("--log", required=True)
    p.add_argument("--connections", type=int, default=16, help="most connections at once to each upstream (default 16)")
    a = p.parse_args()
    Proxy.moto = Pool(a.upstream, a.connections)
    Proxy.cbor = Pool(a.cbor, a.connections) if a.cbor else None
    Proxy.log = Log(a.log)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", a.listen), Proxy)

    def flusher():
        while True:
            time.sleep(1)
            Proxy.log.flush()

    threading.Thread(target=flusher, daemon=True).start()

    def stop(*_):
        Proxy.log.f.flush()
        retries = Proxy.moto.retries + (Proxy.cbor.retries if Proxy.cbor else 0)
        if retries:
            print(f"count_proxy: {retries} upstream resets retried", file=sys.stderr)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        stop()


if __name__ == "__main__":
    main()
