#!/usr/bin/env python3
"""Build Rampart's deliberately misconfigured demo account in an AWS emulator.

Usage:
  seed.py --endpoint-url URL                 plant the demo (both accounts)
  seed.py --endpoint-url URL --credentials ACCOUNT
                                             print shell exports that audit ACCOUNT

Two accounts are seeded. The demo account (the emulator's default account) gets every
planted failure and, where a check judges users one by one, a compliant twin beside it.
The twin account (111111111111, reached through sts:AssumeRole, which moto and LocalStack
both honour) gets the compliant twin of account-wide settings such as the password policy.

Only the emulator at --endpoint-url is ever contacted; the script refuses any other host.
"""

import argparse
import json
import sys
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError

TWIN_ACCOUNT = "111111111111"
DEMO_PASSWORD = "Demo-Only-Passw0rd!-Not-Secret"

# What each account should produce, by check id and resource: the integration tests and
# the README read this list.
PLANTED = {
    "demo": [
        ("iam_user_mfa_enabled_console_access", "demo-console-no-mfa", "FAIL"),
        ("iam_user_mfa_enabled_console_access", "demo-console-mfa", "PASS"),
        ("iam_user_two_active_access_key", "demo-two-keys", "FAIL"),
        ("iam_user_two_active_access_key", "demo-one-key", "PASS"),
        ("iam_user_no_setup_initial_access_key", "demo-setup-key", "FAIL"),
        ("iam_user_no_setup_initial_access_key", "demo-console-mfa", "PASS"),
        ("iam_password_policy_minimum_length_14", "ACCOUNT", "FAIL"),
        ("iam_password_policy_reuse_24", "ACCOUNT", "FAIL"),
    ],
    "twin": [
        ("iam_password_policy_minimum_length_14", "ACCOUNT", "PASS"),
        ("iam_password_policy_reuse_24", "ACCOUNT", "PASS"),
        ("iam_user_mfa_enabled_console_access", "twin-console-mfa", "PASS"),
    ],
}


def check_local(endpoint):
    host = urlparse(endpoint).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit(f"seed.py: refusing to seed {endpoint}: only loopback emulators are seeded")


def session_for(endpoint, region, account=None):
    base = dict(endpoint_url=endpoint, region_name=region)
    creds = dict(aws_access_key_id="test", aws_secret_access_key="test")
    if account is None:
        return lambda svc: boto3.client(svc, **base, **creds)
    sts = boto3.client("sts", **base, **creds)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/rampart-demo", RoleSessionName="rampart-seed")[
        "Credentials"
    ]
    assumed = dict(
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    return lambda svc: boto3.client(svc, **base, **assumed), assumed


def ignore_exists(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("EntityAlreadyExists", "EntityAlreadyExistsException"):
            raise
        return None


def user(iam, name, console=False, mfa=False, keys=0):
    ignore_exists(iam.create_user, UserName=name, Tags=[{"Key": "rampart-demo", "Value": "true"}])
    if console:
        ignore_exists(iam.create_login_profile, UserName=name, Password=DEMO_PASSWORD)
    if mfa:
        existing = iam.list_mfa_devices(UserName=name)["MFADevices"]
        if not existing:
            device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=device["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
    have = len(iam.list_access_keys(UserName=name)["AccessKeyMetadata"])
    for _ in range(keys - have):
        iam.create_access_key(UserName=name)  # the secret is dropped: nothing uses it


def seed_demo(client):
    iam = client("iam")
    user(iam, "demo-console-no-mfa", console=True)
    user(iam, "demo-console-mfa", console=True, mfa=True)
    user(iam, "demo-two-keys", keys=2)
    user(iam, "demo-one-key", keys=1)
    user(iam, "demo-setup-key", console=True, mfa=True, keys=1)
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)


def seed_twin(client):
    iam = client("iam")
    user(iam, "twin-console-mfa", console=True, mfa=True)
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--credentials", metavar="ACCOUNT", help="print exports for auditing ACCOUNT")
    parser.add_argument("--expected", action="store_true", help="print the planted findings as JSON")
    args = parser.parse_args()
    check_local(args.endpoint_url)

    if args.expected:
        print(json.dumps(PLANTED, indent=2))
        return
    if args.credentials:
        _, creds = session_for(args.endpoint_url, args.region, args.credentials)
        print(f"export AWS_ACCESS_KEY_ID={creds['aws_access_key_id']}")
        print(f"export AWS_SECRET_ACCESS_KEY={creds['aws_secret_access_key']}")
        print(f"export AWS_SESSION_TOKEN={creds['aws_session_token']}")
        return

    seed_demo(session_for(args.endpoint_url, args.region))
    twin_client, _ = session_for(args.endpoint_url, args.region, TWIN_ACCOUNT)
    seed_twin(twin_client)
    demo_account = boto3.client(
        "sts", endpoint_url=args.endpoint_url, region_name=args.region,
        aws_access_key_id="test", aws_secret_access_key="test",
    ).get_caller_identity()["Account"]
    print(f"seeded demo account {demo_account}: users without MFA, two active keys, a never-used setup key, a weak password policy", file=sys.stderr)
    print(f"seeded twin account {TWIN_ACCOUNT}: a compliant password policy and an MFA user", file=sys.stderr)


if __name__ == "__main__":
    main()
