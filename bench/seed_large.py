#!/usr/bin/env python3
"""Seed a large account into a loopback AWS emulator, for the Rampart-vs-Prowler benchmark.

Usage: seed_large.py --endpoint-url URL [--scale F] [--workers N] [--summary FILE]

At scale 1 (the default), spread over us-east-1, eu-west-1 and ap-southeast-2:

  2,000 IAM users (global): a third with an access key (one in fifteen with two), a quarter
        with an inline policy (one in forty of them `*:*`), a fifth with an attached managed
        policy, half with a console password (login profile), one in ten of those with MFA
  5,000 security groups in 500-group VPCs, each with three ingress rules; one in ten open to
        0.0.0.0/0 on port 22, one in twenty-five open on 3389
  3,000 EBS volumes, every other one encrypted
  2,000 EBS snapshots of those volumes (snapshot i is of volume i, so every other one is
        encrypted); one in twenty public (createVolumePermission group all), half of those
        encrypted; one in twenty-five shared with one other account only (not public)
    500 S3 buckets in the three regions; half with default encryption, half with Block
        Public Access, a quarter versioned
    300 KMS keys, every other one with rotation

The snapshots are made after everything else (they need the volumes' ids), so the order of
the other requests is what it was before snapshots were seeded. Then one cheap read per
service and region that the tools call warms moto's lazily created backends, and the VPCs
and subnets there (moto's default ones included) are counted for seed.json. --scale 0.01
makes a quick account (20 users, 50 groups, ...). The counts, the number of requests sent
and the seeding time are printed on stderr; --summary FILE also writes them as JSON. Only
the emulator at --endpoint-url is contacted; any other host is refused.
"""

import argparse
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
FULL = dict(users=2000, security_groups=5000, volumes=3000, snapshots=2000, buckets=500, kms_keys=300)
GROUPS_PER_VPC = 500
PASSWORD = "Bench-Only-Passw0rd!-Not-Secret"
# The account a few snapshots are shared with (restorable by it alone: not public).
SHARED_WITH = "111122223333"

ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
NARROW = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],'
          '"Resource":"arn:aws:s3:::bench-data/*"}]}')
MANAGED = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess",
           "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]


def check_local(endpoint):
    host = urlparse(endpoint).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit(f"seed_large.py: refusing to seed {endpoint}: only loopback emulators are seeded")


class Clients:
    """One botocore client per (service, region), shared by the worker threads (they are thread-safe)."""

    def __init__(self, endpoint, workers, attempts=3):
        self.endpoint = endpoint
        self.config = Config(
            inject_host_prefix=False,
            max_pool_connections=workers + 4,
            retries={"mode": "standard", "max_attempts": attempts},
            s3={"addressing_style": "path"},
        )
        self.lock = threading.Lock()
        self.clients = {}
        self.requests = 0
        self.session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")

    def __call__(self, service, region="us-east-1"):
        with self.lock:
            key = (service, region)
            if key not in self.clients:
                c = self.session.client(service, region_name=region, endpoint_url=self.endpoint, config=self.config)
                c.meta.events.register("before-send", self._count)
                self.clients[key] = Retrying(c)
            return self.clients[key]

    def _count(self, **_):
        with self.lock:
            self.requests += 1


class Retrying:
    """A client whose calls are sent again when moto fails with an internal error.

    moto's server is not thread-safe everywhere: a create_security_group that runs while
    another thread adds a group to the same VPC can fail with "dictionary changed size during
    iteration" (an HTML 500 page, before anything was created). Such calls are repeated.
    """

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if not callable(method):
            return method

        def call(**kwargs):
            for attempt in range(1, 6):
                try:
                    return method(**kwargs)
                except (ResponseParserError, ClientError) as e:
                    status = getattr(e, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
                    if attempt == 5 or status < 500:
                        raise
                    time.sleep(0.1 * attempt)

        return call


def counts_for(scale):
    return {k: max(1, round(v * scale)) for k, v in FULL.items()}


def spread(n):
    """n items over the regions, as evenly as possible: [(region, index_in_region, global_index)]."""
    out = []
    for i in range(n):
        out.append((REGIONS[i % len(REGIONS)], i // len(REGIONS), i))
    return out


def seed_user(c, i):
    iam = c("iam")
    name = f"bench-user-{i:05d}"
    iam.create_user(UserName=name, Tags=[{"Key": "bench", "Value": "rampart"}])
    if i % 3 == 0:
        iam.create_access_key(UserName=name)
        if i % 15 == 0:
            iam.create_access_key(UserName=name)
    if i % 4 == 1:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=ADMIN if i % 40 == 1 else NARROW)
    if i % 5 == 2:
        iam.attach_user_policy(UserName=name, PolicyArn=MANAGED[i % len(MANAGED)])
    if i % 2 == 0:
        iam.create_login_profile(UserName=name, Password=PASSWORD)
        if i % 20 == 0:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")


def seed_group(c, region, vpc, i):
    ec2 = c("ec2", region)
    gid = ec2.create_security_group(GroupName=f"bench-sg-{i:05d}", Description="bench", VpcId=vpc)["GroupId"]
    rules = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "192.168.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0" if i % 10 == 0 else "198.51.100.0/24"}]},
    ]
    if i % 25 == 0:
        rules.append({"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)


def seed_volume(c, region, i):
    vid = c("ec2", region).create_volume(AvailabilityZone=f"{region}a", Size=8, VolumeType="gp3",
                                         Encrypted=i % 2 == 0)["VolumeId"]
    return ("volume", region, i, vid)


def seed_snapshot(c, region, volume, i):
    """Snapshot i (global index) of `volume`: public if i % 40 is 0 or 21 (one in twenty, half of
    them encrypted), else shared with SHARED_WITH alone if i % 25 == 1. Returns how it is shared."""
    ec2 = c("ec2", region)
    sid = ec2.create_snapshot(VolumeId=volume, Description=f"bench-snapshot-{i:05d}")["SnapshotId"]
    if i % 40 in (0, 21):
        ec2.modify_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission", OperationType="add",
                                      GroupNames=["all"])
        return "public"
    if i % 25 == 1:
        ec2.modify_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission", OperationType="add",
                                      UserIds=[SHARED_WITH])
        return "shared"
    return "private"


def seed_bucket(c, region, i):
    s3 = c("s3", region)
    name = f"bench-bucket-{region}-{i:05d}"
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if i % 2 == 0:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    if i % 2 == 1:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    if i % 4 == 0:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def seed_key(c, region, i):
    kms = c("kms", region)
    key = kms.create_key(Description=f"bench key {i}")["KeyMetadata"]["KeyId"]
    if i % 2 == 0:
        kms.enable_key_rotation(KeyId=key)


# One cheap read per service the two tools call, in every region: moto creates a service's
# backend for a region on its first request, which would otherwise be charged to whichever
# tool runs first. Errors (moto does not implement some of these) do not matter.
WARM = [
    ("sts", "get_caller_identity", {}), ("iam", "get_account_summary", {}), ("s3", "list_buckets", {}),
    ("s3control", "get_public_access_block", {"AccountId": "123456789012"}),
    ("organizations", "describe_organization", {}), ("account", "get_alternate_contact", {"AlternateContactType": "SECURITY"}),
]
WARM_REGIONAL = [
    ("ec2", "describe_vpcs", {}), ("kms", "list_keys", {}), ("logs", "describe_log_groups", {}),
    ("cloudwatch", "describe_alarms", {}), ("sns", "list_topics", {}), ("config", "describe_configuration_recorders", {}),
    ("guardduty", "list_detectors", {}), ("securityhub", "describe_hub", {}), ("accessanalyzer", "list_analyzers", {}),
    ("ssm", "describe_parameters", {}), ("rds", "describe_db_instances", {}), ("efs", "describe_file_systems", {}),
    ("macie2", "get_macie_session", {}), ("cloudtrail", "describe_trails", {}),
    # Prowler's checks of the services above also read these.
    ("backup", "list_backup_vaults", {}), ("lambda", "list_functions", {}), ("batch", "describe_compute_environments", {}),
]


def warm(c):
    calls = [(svc, "us-east-1", op, kw) for svc, op, kw in WARM]
    calls += [(svc, r, op, kw) for r in REGIONS for svc, op, kw in WARM_REGIONAL]
    for svc, region, op, kw in calls:
        try:
            getattr(c(svc, region), op)(**kw)
        except Exception:  # noqa: BLE001 - unimplemented calls answer 500; that is fine here
            pass


def network(c):
    """VPCs and subnets in the regions, moto's default VPC and its subnets included: not
    seeded resources, but Prowler reads some of them one by one."""
    vpcs = subnets = 0
    for r in REGIONS:
        vpcs += len(c("ec2", r).describe_vpcs()["Vpcs"])
        subnets += len(c("ec2", r).describe_subnets()["Subnets"])
    return dict(vpcs=vpcs, subnets=subnets)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint-url", required=True)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--summary", help="also write the counts and timing as JSON to this file")
    a = p.parse_args()
    check_local(a.endpoint_url)
    if a.scale <= 0:
        sys.exit("seed_large.py: --scale must be positive")

    n = counts_for(a.scale)
    c = Clients(a.endpoint_url, a.workers)
    started = time.monotonic()

    # VPCs first: the groups go into them, GROUPS_PER_VPC at most each.
    groups = spread(n["security_groups"])
    per_region = {r: sum(1 for g in groups if g[0] == r) for r in REGIONS}
    vpcs = {}
    for r in REGIONS:
        ec2 = c("ec2", r)
        needed = max(1, -(-per_region[r] // GROUPS_PER_VPC))
        vpcs[r] = [ec2.create_vpc(CidrBlock=f"10.{k}.0.0/16")["Vpc"]["VpcId"] for k in range(needed)]

    tasks = []
    tasks += [(seed_user, (c, i)) for i in range(n["users"])]
    tasks += [(seed_group, (c, r, vpcs[r][k // GROUPS_PER_VPC], i)) for r, k, i in groups]
    tasks += [(seed_volume, (c, r, i)) for r, _, i in spread(n["volumes"])]
    tasks += [(seed_bucket, (c, r, i)) for r, _, i in spread(n["buckets"])]
    tasks += [(seed_key, (c, r, i)) for r, _, i in spread(n["kms_keys"])]
    # Interleave the kinds so that the workers are not all queued on the same moto backend.
    random.Random(0).shuffle(tasks)

    done = 0
    total = len(tasks) + n["snapshots"]
    volumes = {r: {} for r in REGIONS}  # region: {global index: volume id}
    with ThreadPoolExecutor(max_workers=a.workers) as pool:
        futures = [pool.submit(fn, *args) for fn, args in tasks]
        for f in as_completed(futures):
            result = f.result()  # the first failure stops the seeding with its traceback
            if result and result[0] == "volume":
                volumes[result[1]][result[2]] = result[3]
            done += 1
            if done % 2000 == 0:
                print(f"  {done}/{total} resources, {time.monotonic() - started:.0f} s", file=sys.stderr)

        # Snapshots of the volumes of their region, in order: the region's snapshot k is of its
        # volume k (mod the region's volumes), whose encryption alternates with k.
        by_region = {r: [volumes[r][i] for i in sorted(volumes[r])] for r in REGIONS}
        snap_tasks = [(r, by_region[r][k % len(by_region[r])], i) for r, k, i in spread(n["snapshots"])
                      if by_region[r]]
        sharing = {"public": 0, "shared": 0, "private": 0}
        futures = [pool.submit(seed_snapshot, c, r, v, i) for r, v, i in snap_tasks]
        for f in as_completed(futures):
            sharing[f.result()] += 1
            done += 1
            if done % 2000 == 0:
                print(f"  {done}/{total} resources, {time.monotonic() - started:.0f} s", file=sys.stderr)
    n["snapshots"] = len(snap_tasks)  # fewer only if a region had no volume (a tiny --scale)

    warm(Clients(a.endpoint_url, 1, attempts=1))
    net = network(Clients(a.endpoint_url, 1))
    elapsed = time.monotonic() - started
    summary = dict(scale=a.scale, regions=REGIONS, counts=n, resources=sum(n.values()),
                   vpcs=sum(len(v) for v in vpcs.values()),
                   snapshot_sharing=dict(public=sharing["public"], one_account=sharing["shared"]),
                   network=net,
                   seed_requests=c.requests, seed_seconds=round(elapsed, 1))
    for k, v in n.items():
        print(f"{k:>16}: {v}", file=sys.stderr)
    print(f"{'':>16}  ({sharing['public']} snapshots public, {sharing['shared']} shared with one account)",
          file=sys.stderr)
    print(f"seeded {summary['resources']} resources over {len(REGIONS)} regions with {c.requests} requests "
          f"in {elapsed:.1f} s", file=sys.stderr)
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
