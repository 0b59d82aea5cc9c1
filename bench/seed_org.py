#!/usr/bin/env python3
"""Seed an AWS Organization into a loopback moto emulator, for the organization benchmark.

Usage: seed_org.py --endpoint-url URL [--accounts N] [--regions LIST|COUNT] [--scale F]
                   [--workers N] [--no-warm] [--summary FILE]

In the emulator's default account (moto: 123456789012, the management account), creates an
organization (feature set ALL) and N member accounts (create_account; moto gives each a
random 12-digit id, makes it ACTIVE at once and creates OrganizationAccountAccessRole in it,
trusting the management account). Then, in the management account (with the base
credentials) and in every member account (through sts:AssumeRole into
arn:aws:iam::<id>:role/OrganizationAccountAccessRole, as the audit does), a small, realistic
mix, with the good and bad cases spread over accounts and regions by the account's index k and
the region's index j. At --scale 1, per account:

  global     6 IAM users: every third with an access key (every sixth with two), every other
             with a console password, every fourth with a virtual MFA device (so half the
             console users lack MFA), every fifth with an inline policy (`*:*` in one account
             in five); 2 groups (one with AdministratorAccess attached in every other account,
             one with ReadOnlyAccess) holding the users; a password policy (strong when
             k % 3 == 0, weak when k % 3 == 1, none otherwise)
  per region 3 security groups in the default VPC, 1-3 rules each (HTTPS from 10.0.0.0/8; SSH,
             open to 0.0.0.0/0 when (k + j) is even; RDP, open when (k + j) % 4 == 0, with HTTP
             open to 0.0.0.0/0); 4 EBS volumes, every other one
             encrypted; 2 snapshots of them, the first public (createVolumePermission group
             all) when (k + j) % 3 == 0; EBS default encryption on when (k + j) is even;
             2 KMS keys, the first with rotation; 1 S3 bucket (default encryption when i + k
             is even, Block Public Access when k is odd)
  monitoring in the first region, when k % 4 != 3: a trail bucket and a trail (k even:
             multi-region, logging to a CloudWatch log group with 4 CIS metric filters, each with
             an alarm notifying an SNS topic; k % 4 == 1: single-region, no log group, with log
             file validation)

--scale multiplies the per-account counts above (users, security groups, volumes, snapshots,
keys, buckets; the two groups stay two); at least one of each is made. --regions takes a
comma-separated list, or a count of regions from us-east-1, eu-west-1, ap-southeast-2,
us-west-2, eu-central-1, ap-northeast-1, sa-east-1, ca-central-1.

Then, unless --no-warm, one cheap read per service and region that the audits call, in
every account: moto creates a service's backend for an (account, region) on its first
request, which would otherwise be charged to whichever tool runs first.

The account ids, counts, requests sent and the seeding time are printed on stderr and, with
--summary FILE, written as JSON (the account ids too). Re-running against the same emulator
reuses its organization and creates only the missing member accounts (it then seeds them all
again: use a fresh emulator). Only the emulator at --endpoint-url is contacted.
"""

import argparse
import collections
import json
import random
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import urlparse

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

ALL_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1",
               "sa-east-1", "ca-central-1"]
ROLE = "OrganizationAccountAccessRole"
PER_ACCOUNT = dict(users=6, groups=2)
PER_REGION = dict(security_groups=3, volumes=4, snapshots=2, kms_keys=2, buckets=1)
PASSWORD = "Bench-Only-Passw0rd!-Not-Secret"
ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
NARROW = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],'
          '"Resource":"arn:aws:s3:::bench-data/*"}]}')
# Four of the CIS 4.x metric filters (the rest are missing in every account).
FILTERS = {
    "unauthorized-api-calls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "root-usage": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    "security-group-changes": ('{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || '
                               '($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || '
                               '($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }'),
    "console-signin-failures": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
}

# One cheap read per service the two tools call (what bench/seed_large.py warms).
WARM_GLOBAL = [
    ("sts", "get_caller_identity", {}), ("iam", "get_account_summary", {}), ("s3", "list_buckets", {}),
    ("s3control", "get_public_access_block", {"AccountId": None}),  # None: the account's own id
    ("account", "get_alternate_contact", {"AlternateContactType": "SECURITY"}),
]
WARM_REGIONAL = [
    ("ec2", "describe_vpcs", {}), ("kms", "list_keys", {}), ("logs", "describe_log_groups", {}),
    ("cloudwatch", "describe_alarms", {}), ("sns", "list_topics", {}), ("config", "describe_configuration_recorders", {}),
    ("guardduty", "list_detectors", {}), ("securityhub", "describe_hub", {}), ("accessanalyzer", "list_analyzers", {}),
    ("ssm", "describe_parameters", {}), ("rds", "describe_db_instances", {}), ("efs", "describe_file_systems", {}),
    ("macie2", "get_macie_session", {}), ("cloudtrail", "describe_trails", {}),
    ("backup", "list_backup_vaults", {}), ("lambda", "list_functions", {}), ("batch", "describe_compute_environments", {}),
]


def check_local(endpoint):
    host = urlparse(endpoint).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit(f"seed_org.py: refusing to seed {endpoint}: only loopback emulators are seeded")


class Counter:
    """Requests sent, by (service, operation), across threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_op = collections.Counter()

    def __call__(self, model, **_):
        with self.lock:
            self.by_op[(model.service_model.service_name, model.name)] += 1

    @property
    def total(self):
        return sum(self.by_op.values())


class Retrying:
    """A client whose calls are sent again when moto fails with an internal error (it is not
    thread-safe everywhere: "dictionary changed size during iteration" answers an HTML 500)."""

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


class Factory:
    """Clients for the emulator. One botocore session for all of them, so that service
    models are loaded once; one client per (credentials, service, region), cached."""

    def __init__(self, endpoint, workers, counter):
        self.endpoint = endpoint
        self.counter = counter
        self.config = Config(
            inject_host_prefix=False,  # S3 Control: no <account>.127.0.0.1 host
            max_pool_connections=workers + 4,
            retries={"mode": "standard", "max_attempts": 3},
            s3={"addressing_style": "path"},
        )
        self.warm_config = self.config.merge(Config(retries={"mode": "standard", "max_attempts": 1}))
        core = botocore.session.get_session()
        self.session = boto3.session.Session(botocore_session=core)
        self.lock = threading.Lock()
        self.cache = {}

    def client(self, creds, service, region="us-east-1", warm=False):
        key = (creds["aws_access_key_id"], service, region, warm)
        with self.lock:
            c = self.cache.get(key)
            if c is None:
                raw = self.session.client(service, region_name=region, endpoint_url=self.endpoint,
                                          config=self.warm_config if warm else self.config, **creds)
                raw.meta.events.register("before-call", self.counter)
                raw.meta.events.register("before-send", loopback_only)
                c = self.cache[key] = raw if warm else Retrying(raw)
            return c


ACCOUNT_HOST = re.compile(r"//\d{12}\.")


def loopback_only(request, **_):
    """S3 Control's endpoint rules put the account id in front of the host (<id>.127.0.0.1),
    which would be looked up in DNS: keep the emulator's host. Anything else not on loopback
    is refused before it is sent."""
    request.url = ACCOUNT_HOST.sub("//", request.url, count=1)
    host = urlparse(request.url).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        raise RuntimeError(f"seed_org.py: refusing to send a request to {request.url}")


class Account:
    """One account: its id, index k, credentials and a client maker."""

    def __init__(self, factory, account_id, k, creds):
        self.id, self.k, self.creds, self.factory = account_id, k, creds, factory

    def __call__(self, service, region="us-east-1"):
        return self.factory.client(self.creds, service, region)


def n_of(base, scale):
    return max(1, round(base * scale))


def seed_iam(acct, scale, tally):
    iam, k = acct("iam"), acct.k
    users = n_of(PER_ACCOUNT["users"], scale)
    groups = [f"org-admins-{k}", f"org-readers-{k}"][: max(2, n_of(PER_ACCOUNT["groups"], scale))]
    for g in groups:
        iam.create_group(GroupName=g)
    if k % 2 == 0:
        iam.attach_group_policy(GroupName=groups[0], PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.attach_group_policy(GroupName=groups[1], PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    for i in range(users):
        name = f"org-user-{i:03d}"
        iam.create_user(UserName=name, Tags=[{"Key": "bench", "Value": "org"}])
        tally["users"] += 1
        if i % 3 == 0:
            iam.create_access_key(UserName=name)
            tally["access_keys"] += 1
            if i % 6 == 0:
                iam.create_access_key(UserName=name)
                tally["access_keys"] += 1
        if i % 2 == 0:
            iam.create_login_profile(UserName=name, Password=PASSWORD)
            tally["login_profiles"] += 1
            if i % 4 == 0:
                serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
                iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                      AuthenticationCode2="654321")
                tally["mfa_devices"] += 1
        if i % 5 == 1:
            iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=ADMIN if k % 5 == 0 else NARROW)
            tally["inline_policies"] += 1
        iam.add_user_to_group(GroupName=groups[i % len(groups)], UserName=name)
    tally["groups"] += len(groups)
    if k % 3 == 0:
        iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24, RequireSymbols=True,
                                           RequireNumbers=True, RequireUppercaseCharacters=True,
                                           RequireLowercaseCharacters=True, MaxPasswordAge=90)
        tally["password_policies"] += 1
    elif k % 3 == 1:
        iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
        tally["password_policies"] += 1


def seed_region(acct, region, j, scale, tally):
    k = acct.k
    ec2 = acct("ec2", region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    vpc_id = vpc[0]["VpcId"] if vpc else ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(n_of(PER_REGION["security_groups"], scale)):
        gid = ec2.create_security_group(GroupName=f"org-sg-{i:03d}", Description="bench", VpcId=vpc_id)["GroupId"]
        rules = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
        if i % 3 == 1:
            rules.append({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                          "IpRanges": [{"CidrIp": "0.0.0.0/0" if (k + j) % 2 == 0 else "198.51.100.0/24"}]})
        if i % 3 == 2:
            rules.append({"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
                          "IpRanges": [{"CidrIp": "0.0.0.0/0" if (k + j) % 4 == 0 else "192.168.0.0/16"}]})
            rules.append({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        tally["security_groups"] += 1
        tally["security_group_rules"] += len(rules)
    if (k + j) % 2 == 0:
        ec2.enable_ebs_encryption_by_default()
    volumes = []
    for i in range(n_of(PER_REGION["volumes"], scale)):
        volumes.append(ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, VolumeType="gp3",
                                         Encrypted=i % 2 == 0)["VolumeId"])
        tally["volumes"] += 1
    for i in range(n_of(PER_REGION["snapshots"], scale)):
        sid = ec2.create_snapshot(VolumeId=volumes[i % len(volumes)], Description=f"org-snapshot-{i}")["SnapshotId"]
        tally["snapshots"] += 1
        if i == 0 and (k + j) % 3 == 0:
            ec2.modify_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission", OperationType="add",
                                          GroupNames=["all"])
            tally["public_snapshots"] += 1
    kms = acct("kms", region)
    for i in range(n_of(PER_REGION["kms_keys"], scale)):
        key = kms.create_key(Description=f"org key {i}")["KeyMetadata"]["KeyId"]
        tally["kms_keys"] += 1
        if i % 2 == 0:
            kms.enable_key_rotation(KeyId=key)
    s3 = acct("s3", region)
    for i in range(n_of(PER_REGION["buckets"], scale)):
        name = f"org-{acct.id}-{region}-{i:03d}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        tally["buckets"] += 1
        if (i + k) % 2 == 0:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        if k % 2 == 1:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})


def seed_monitoring(acct, region, tally):
    k = acct.k
    if k % 4 == 3:
        return
    s3 = acct("s3", region)
    bucket = f"org-trail-{acct.id}"
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    tally["buckets"] += 1
    ct = acct("cloudtrail", region)
    if k % 2 == 0:
        logs, cw, sns = acct("logs", region), acct("cloudwatch", region), acct("sns", region)
        group = "org-cloudtrail"
        logs.create_log_group(logGroupName=group)
        tally["log_groups"] += 1
        ct.create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=True, EnableLogFileValidation=False,
                        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{region}:{acct.id}:log-group:{group}:*",
                        CloudWatchLogsRoleArn=f"arn:aws:iam::{acct.id}:role/org-trail")
        topic = sns.create_topic(Name="org-security-alarms")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
        tally["sns_topics"] += 1
        for name, pattern in FILTERS.items():
            logs.put_metric_filter(logGroupName=group, filterName=name, filterPattern=pattern, metricTransformations=[
                {"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}])
            cw.put_metric_alarm(AlarmName=f"{name}-alarm", MetricName=name, Namespace="CISBenchmark", Statistic="Sum",
                                Period=300, EvaluationPeriods=1, Threshold=1,
                                ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])
            tally["metric_filters"] += 1
            tally["alarms"] += 1
    else:
        ct.create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=False, EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    tally["trails"] += 1


def warm(factory, acct, regions, failures):
    calls = [(svc, "us-east-1", op, kw) for svc, op, kw in WARM_GLOBAL]
    calls += [(svc, r, op, kw) for r in regions for svc, op, kw in WARM_REGIONAL]
    for svc, region, op, kw in calls:
        kw = {k: (acct.id if v is None else v) for k, v in kw.items()}
        try:
            getattr(factory.client(acct.creds, svc, region, warm=True), op)(**kw)
        except Exception as e:  # noqa: BLE001 - calls moto does not implement answer 500; fine here
            failures[f"{svc}:{op}: {type(e).__name__}"] += 1


def parse_regions(text):
    if text.isdigit():
        n = int(text)
        if not 1 <= n <= len(ALL_REGIONS):
            sys.exit(f"seed_org.py: --regions COUNT must be 1..{len(ALL_REGIONS)}")
        return ALL_REGIONS[:n]
    regions = [r.strip() for r in text.split(",") if r.strip()]
    if not regions:
        sys.exit("seed_org.py: --regions names no region")
    return regions


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint-url", required=True)
    p.add_argument("--accounts", type=int, default=50, help="member accounts (default 50)")
    p.add_argument("--regions", default="4", help="comma-separated list, or a count (default 4)")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--no-warm", action="store_true")
    p.add_argument("--summary")
    a = p.parse_args()
    check_local(a.endpoint_url)
    if a.scale <= 0 or a.accounts < 0:
        sys.exit("seed_org.py: --scale must be positive and --accounts not negative")
    regions = parse_regions(a.regions)

    counter = Counter()
    factory = Factory(a.endpoint_url, a.workers, counter)
    base = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
    started = time.monotonic()

    # --- the organization ------------------------------------------------------------------
    org = factory.client(base, "organizations")
    try:
        org.describe_organization()
    except ClientError as e:
        if e.response["Error"]["Code"] != "AWSOrganizationsNotInUseException":
            raise
        org.create_organization(FeatureSet="ALL")
    management = factory.client(base, "sts").get_caller_identity()["Account"]

    def members():
        out = []
        for page in org._client.get_paginator("list_accounts").paginate():
            out += page["Accounts"]
        return out

    have = [m for m in members() if m["Id"] != management]
    for i in range(len(have), a.accounts):
        status = org.create_account(Email=f"member-{i:03d}@example.com", AccountName=f"member-{i:03d}")["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            sys.exit(f"seed_org.py: create_account member-{i:03d}: {status}")
    listed = members()
    inactive = [m["Id"] for m in listed if m.get("State", m.get("Status")) != "ACTIVE"]
    if inactive:
        sys.exit(f"seed_org.py: ListAccounts answers accounts that are not ACTIVE: {inactive}")
    member_ids = [m["Id"] for m in listed if m["Id"] != management]
    org_seconds = time.monotonic() - started
    print(f"organization: management {management}, {len(member_ids)} member accounts, all ACTIVE "
          f"({org_seconds:.1f} s)", file=sys.stderr)

    # --- into each account, as the audit enters it -------------------------------------------
    sts = factory.client(base, "sts")
    accounts = [Account(factory, management, 0, base)]
    for k, mid in enumerate(member_ids, start=1):
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{mid}:role/{ROLE}", RoleSessionName="rampart-bench-seed")["Credentials"]
        creds = dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                     aws_session_token=c["SessionToken"])
        accounts.append(Account(factory, mid, k, creds))
    wrong = []
    for acct in accounts[1:]:
        who = factory.client(acct.creds, "sts").get_caller_identity()["Account"]
        if who != acct.id:
            wrong.append((acct.id, who))
    if wrong:
        sys.exit(f"seed_org.py: assumed-role credentials address another account: {wrong}")

    tallies = collections.defaultdict(collections.Counter)  # per thread-safe merge below
    lock = threading.Lock()

    def run(fn, acct, *args):
        tally = collections.Counter()
        fn(acct, *args, tally)
        with lock:
            tallies[acct.id].update(tally)

    tasks = []
    for acct in accounts:
        tasks.append((seed_iam, acct, a.scale))
        tasks.append((seed_monitoring, acct, regions[0]))
        for j, r in enumerate(regions):
            tasks.append((seed_region, acct, r, j, a.scale))
    # Interleave accounts and kinds so that the workers do not queue on one moto backend.
    random.Random(0).shuffle(tasks)
    done = 0
    seed_started = time.monotonic()
    with ThreadPoolExecutor(max_workers=a.workers) as pool:
        futures = [pool.submit(run, *t) for t in tasks]
        for f in as_completed(futures):
            f.result()  # the first failure stops the seeding with its traceback
            done += 1
            if done % 100 == 0:
                print(f"  {done}/{len(tasks)} seeding tasks, {counter.total} requests, "
                      f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    seed_seconds = time.monotonic() - seed_started
    seed_requests = counter.total

    warm_failures = collections.Counter()
    warm_seconds = 0.0
    if not a.no_warm:
        w0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=a.workers) as pool:
            for f in as_completed([pool.submit(warm, factory, acct, regions, warm_failures) for acct in accounts]):
                f.result()
        warm_seconds = time.monotonic() - w0

    elapsed = time.monotonic() - started
    total = collections.Counter()
    for t in tallies.values():
        total.update(t)
    kinds = ("users", "access_keys", "login_profiles", "mfa_devices", "inline_policies", "groups", "password_policies",
             "security_groups", "security_group_rules", "volumes", "snapshots", "public_snapshots", "kms_keys", "buckets",
             "trails", "log_groups", "metric_filters", "alarms", "sns_topics")
    resources = sum(total[k] for k in ("users", "access_keys", "login_profiles", "mfa_devices", "inline_policies",
                                        "groups", "password_policies", "security_groups", "volumes", "snapshots",
                                        "kms_keys", "buckets", "trails", "log_groups", "metric_filters", "alarms",
                                        "sns_topics"))
    summary = dict(
        management_account=management, member_accounts=member_ids, accounts=len(accounts), regions=regions,
        scale=a.scale, counts={k: total[k] for k in kinds}, resources=resources,
        resources_per_account=round(resources / len(accounts), 1),
        requests=counter.total, seed_requests=seed_requests, warm_requests=counter.total - seed_requests,
        organization_seconds=round(org_seconds, 1), seed_seconds=round(seed_seconds, 1),
        warm_seconds=round(warm_seconds, 1), total_seconds=round(elapsed, 1),
        warm_failures=dict(warm_failures.most_common()),
        requests_by_operation={f"{s}:{o}": n for (s, o), n in counter.by_op.most_common()},
    )
    for k in kinds:
        print(f"{k:>22}: {total[k]}", file=sys.stderr)
    print(f"seeded {len(accounts)} accounts (1 management + {len(member_ids)} members) x {len(regions)} regions: "
          f"{resources} resources ({summary['resources_per_account']} per account) with {seed_requests} requests "
          f"in {seed_seconds:.1f} s; organization {org_seconds:.1f} s; warm-up {counter.total - seed_requests} "
          f"requests in {warm_seconds:.1f} s; {elapsed:.1f} s in all", file=sys.stderr)
    if warm_failures:
        print("warm-up reads moto failed (expected, not implemented): "
              + ", ".join(f"{k} x{v}" for k, v in warm_failures.most_common()), file=sys.stderr)
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
