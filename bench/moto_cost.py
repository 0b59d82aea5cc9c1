#!/usr/bin/env python3
"""CPU time the emulator (moto) spends on one API call of each kind the two tools send most.

Usage: moto_cost.py --endpoint-url URL --moto-pid PID [--calls N]

Run against an account seeded by seed_large.py. Sends each kind of call N times (default
30), one at a time, and reads moto's user+system CPU time from /proc/PID/stat before and
after: the client's own overhead does not count. Prints a markdown table, milliseconds of
moto CPU per call. Only the loopback emulator at --endpoint-url is contacted.
"""

import argparse
import os
import sys
import time
from urllib.parse import urlparse

import boto3
from botocore.config import Config

HZ = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ  # utime, stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint-url", required=True)
    p.add_argument("--moto-pid", required=True, type=int)
    p.add_argument("--calls", type=int, default=30)
    a = p.parse_args()
    host = urlparse(a.endpoint_url).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit("moto_cost.py: only a loopback emulator is measured")
    cfg = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, inject_host_prefix=False)

    def client(service, region="eu-west-1"):
        return boto3.client(service, endpoint_url=a.endpoint_url, region_name=region,
                            aws_access_key_id="testing", aws_secret_access_key="testing", config=cfg)

    s3, kms, iam, ec2 = client("s3"), client("kms"), client("iam", "us-east-1"), client("ec2")
    buckets = [b["Name"] for b in client("s3", "us-east-1").list_buckets()["Buckets"] if "eu-west-1" in b["Name"]]
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"]]
    users = [f"bench-user-{i:05d}" for i in range(a.calls)]
    n = a.calls
    cases = [
        ("s3", "GetBucketLocation", n, lambda i: s3.get_bucket_location(Bucket=buckets[i % len(buckets)])),
        ("s3", "GetBucketEncryption", n, lambda i: s3.get_bucket_encryption(Bucket=buckets[i % len(buckets)])),
        ("s3", "GetBucketPolicy (none)", n, lambda i: s3.get_bucket_policy(Bucket=buckets[i % len(buckets)])),
        ("s3", "GetBucketAcl", n, lambda i: s3.get_bucket_acl(Bucket=buckets[i % len(buckets)])),
        ("s3", "GetBucketVersioning", n, lambda i: s3.get_bucket_versioning(Bucket=buckets[i % len(buckets)])),
        ("s3", "ListBuckets (500)", 3, lambda i: s3.list_buckets()),
        ("kms", "DescribeKey", n, lambda i: kms.describe_key(KeyId=keys[i % len(keys)])),
        ("kms", "GetKeyPolicy", n, lambda i: kms.get_key_policy(KeyId=keys[i % len(keys)], PolicyName="default")),
        ("kms", "GetKeyRotationStatus", n, lambda i: kms.get_key_rotation_status(KeyId=keys[i % len(keys)])),
        ("iam", "GetAccountAuthorizationDetails (all 5 filters)", 2, lambda i: iam.get_account_authorization_details(
            Filter=["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"])),
        ("iam", "GetAccountAuthorizationDetails (no AWSManagedPolicy)", 2, lambda i: iam.get_account_authorization_details(
            Filter=["User", "Group", "Role", "LocalManagedPolicy"])),
        ("iam", "GetCredentialReport (2,000 users)", 3, lambda i: iam.get_credential_report()),
        ("iam", "ListUserPolicies", n, lambda i: iam.list_user_policies(UserName=users[i])),
        ("iam", "ListUserTags", n, lambda i: iam.list_user_tags(UserName=users[i])),
        ("iam", "ListAccessKeys", n, lambda i: iam.list_access_keys(UserName=users[i])),
        ("ec2", "DescribeSecurityGroups (1,667 groups)", 2, lambda i: ec2.describe_security_groups()),
        ("ec2", "DescribeVolumes (1,000 volumes)", 2, lambda i: ec2.describe_volumes()),
        ("ec2", "DescribeInstances (none)", n, lambda i: ec2.describe_instances()),
    ]
    iam.generate_credential_report()
    time.sleep(0.5)
    print("| call | calls | moto CPU per call (ms) |")
    print("|---|---:|---:|")
    for service, name, count, fn in cases:
        before = cpu(a.moto_pid)
        for i in range(count):
            try:
                fn(i)
            except Exception:  # noqa: BLE001 - a 404 (no policy) is a normal answer here
                pass
        time.sleep(0.05)  # moto's request thread finishes its bookkeeping
        per_call = (cpu(a.moto_pid) - before) / count * 1000
        print(f"| {service}:{name} | {count} | {per_call:.1f} |")


if __name__ == "__main__":
    main()
