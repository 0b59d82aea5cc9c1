#!/usr/bin/env python3
"""A loopback proxy in front of moto that also speaks Smithy RPC v2 CBOR for CloudWatch.

The AWS SDK for Rust sends CloudWatch requests in the Smithy RPC v2 CBOR protocol, which
moto 5.2.5 answers with 404 (getmoto/moto issue 9195). This bridge, for tests and the demo
only, decodes such a request, makes the same call to moto with boto3 (Query protocol),
and encodes moto's answer back as CBOR.

It also answers one filter moto ignores: EC2 DescribeSnapshots with RestorableByUserIds
(`all` for public snapshots, or account ids), which moto answers with every snapshot. The
bridge sends the request on without that filter and keeps, from moto's answer, the snapshots
whose createVolumePermission names one of those ids (or group `all`), as AWS does.

Every other request is forwarded to moto untouched.

Usage: cbor_bridge.py --listen PORT --moto http://127.0.0.1:MOTO_PORT
"""

import argparse
import datetime
import http.client
import re
import sys
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlparse

import boto3
import cbor2
from botocore.exceptions import ClientError

CBOR_PATH = re.compile(r"^/service/(?P<service>[^/]+)/operation/(?P<operation>[A-Za-z0-9]+)$")
SERVICES = {"GraniteServiceVersion20100801": "cloudwatch"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def region_of(headers):
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", auth)
    return m.group(1) if m else "us-east-1"


def access_key_of(headers):
    m = re.search(r"Credential=([^/]+)/", headers.get("Authorization", ""))
    return m.group(1) if m else "test"


def restorable_key(key):
    """A RestorableByUserIds member of an EC2 query (`RestorableBy.1`, its wire name)."""
    return re.fullmatch(r"RestorableBy(UserIds)?\.\d+", key) is not None


def plain(value):
    """boto3's parsed output to what CBOR carries: timestamps as epoch seconds (tag 1)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return cbor2.CBORTag(1, value.timestamp())
    return value


class Bridge(BaseHTTPRequestHandler):
    moto = None  # set in main
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, headers, payload):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def cbor(self, service, operation, raw):
        request = cbor2.loads(raw) if raw else {}
        client = boto3.client(
            service,
            endpoint_url=self.moto,
            region_name=region_of(self.headers),
            aws_access_key_id=access_key_of(self.headers),
            aws_secret_access_key="bridge",
            aws_session_token=self.headers.get("X-Amz-Security-Token"),
        )
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
        try:
            out = getattr(client, snake(operation))(**(request or {}))
            self.reply(200, headers, cbor2.dumps(plain(out)))
        except ClientError as e:
            err = e.response.get("Error", {})
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            payload = {"__type": err.get("Code", "InternalFailure"), "message": err.get("Message", "")}
            self.reply(status, headers, cbor2.dumps(payload))

    def send_to_moto(self, raw):
        target = urlparse(self.moto)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"}
        headers["Content-Length"] = str(len(raw))
        conn.request(self.command, self.path, body=raw, headers=headers)
        resp = conn.getresponse()
        answer = (resp.status, resp.getheaders(), resp.read())
        conn.close()
        return answer

    def forward(self, raw):
        self.reply(*self.send_to_moto(raw))

    def restorable_snapshots(self, params, wanted):
        """DescribeSnapshots with RestorableByUserIds: moto's answer without that filter, less
        the snapshots none of `wanted` may restore."""
        rest = [(k, v) for k, v in params if not restorable_key(k)]
        status, headers, payload = self.send_to_moto(urlencode(rest).encode())
        if status != 200:
            return self.reply(status, headers, payload)
        client = boto3.client(
            "ec2",
            endpoint_url=self.moto,
            region_name=region_of(self.headers),
            aws_access_key_id=access_key_of(self.headers),
            aws_secret_access_key="bridge",
            aws_session_token=self.headers.get("X-Amz-Security-Token"),
        )
        ns = re.match(r"\{[^}]*\}", ET.fromstring(payload).tag)
        ns = ns.group(0) if ns else ""
        ET.register_namespace("", ns.strip("{}"))
        root = ET.fromstring(payload)
        snapshots = root.find(f"{ns}snapshotSet")
        for item in list(snapshots if snapshots is not None else []):
            snapshot_id = item.findtext(f"{ns}snapshotId")
            perms = client.describe_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission")
            names = {p.get("Group") for p in perms.get("CreateVolumePermissions", [])} | {
                p.get("UserId") for p in perms.get("CreateVolumePermissions", [])
            }
            if not names & wanted:
                snapshots.remove(item)
        self.reply(200, headers, ET.tostring(root, xml_declaration=True, encoding="UTF-8"))

    def handle_any(self):
        raw = self.body()
        m = CBOR_PATH.match(self.path)
        if m and self.headers.get("smithy-protocol") == "rpc-v2-cbor" and m.group("service") in SERVICES:
            return self.cbor(SERVICES[m.group("service")], m.group("operation"), raw)
        if self.command == "POST" and b"Action=DescribeSnapshots" in raw and b"RestorableBy" in raw:
            params = parse_qsl(raw.decode(), keep_blank_values=True)
            wanted = {v for k, v in params if restorable_key(k)}
            if wanted:
                return self.restorable_snapshots(params, wanted)
        self.forward(raw)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--moto", required=True)
    args = parser.parse_args()
    host = urlparse(args.moto).hostname or ""
    if host not in ("127.0.0.1", "localhost"):
        sys.exit("cbor_bridge: only a loopback emulator is bridged")
    Bridge.moto = args.moto
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", args.listen), Bridge).serve_forever()


if __name__ == "__main__":
    main()
