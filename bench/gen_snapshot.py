#!/usr/bin/env python3
"""Write a synthetic Rampart snapshot with many resources, for memory and speed benchmarks.

Usage: gen_snapshot.py OUT.json [--resources N]

Spreads N resources over 3 regions: security groups with rules, volumes, snapshots, IAM users
in the credential report, buckets and KMS keys, in the proportions of the issue's example
account (2,000 users, 5,000 security groups, 3,000 volumes, 500 buckets, 300 keys).
"""
import argparse
import json

ACCOUNT = "123456789012"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
NOW = "2026-11-26T12:00:00Z"


def known(v):
    return {"known": v}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--resources", type=int, default=100_000)
    a = p.parse_args()
    total = 2000 + 5000 + 3000 + 500 + 300
    scale = a.resources / total
    n = {k: max(1, int(v * scale)) for k, v in
         dict(users=2000, groups=5000, volumes=3000, buckets=500, keys=300).items()}

    header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
              "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
              "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
              "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
              "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
              "cert_2_active,cert_2_last_rotated")
    t = lambda v: {"at": v}
    rows = []
    for i in range(n["users"]):
        key = {"active": i % 3 == 0, "last_rotated": t("2025-01-01T00:00:00Z"), "last_used_date": t("2026-11-01T00:00:00Z")}
        off = {"active": False, "last_rotated": "not_applicable", "last_used_date": "not_applicable"}
        rows.append({"user": f"user-{i}", "arn": f"arn:aws:iam::{ACCOUNT}:user/user-{i}",
                     "user_creation_time": t("2024-01-01T00:00:00Z"), "password_enabled": i % 2 == 0,
                     "password_last_used": t("2026-10-01T00:00:00Z"), "password_last_changed": t("2024-01-01T00:00:00Z"),
                     "mfa_active": i % 4 != 0, "access_key_1": key, "access_key_2": off})
    regional = {}
    for r_i, region in enumerate(REGIONS):
        share = lambda k: range(r_i * n[k] // 3, (r_i + 1) * n[k] // 3)
        groups = [{"group_id": f"sg-{i:08x}", "group_name": f"g{i}", "vpc_id": "vpc-1",
                   "ip_permissions": [
                       {"ip_protocol": "tcp", "from_port": 22, "to_port": 22,
                        "ip_ranges": ["0.0.0.0/0" if i % 10 == 0 else "10.0.0.0/8"], "ipv6_ranges": [],
                        "prefix_list_ids": [], "referenced_group_ids": []},
                       {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "ip_ranges": ["0.0.0.0/0"],
                        "ipv6_ranges": ["::/0"], "prefix_list_ids": [], "referenced_group_ids": []}],
                   "ip_permissions_egress": [{"ip_protocol": "-1", "from_port": None, "to_port": None,
                                              "ip_ranges": ["0.0.0.0/0"], "ipv6_ranges": [], "prefix_list_ids": [],
                                              "referenced_group_ids": []}]} for i in share("groups")]
        volumes = [{"volume_id": f"vol-{i:08x}", "encrypted": i % 2 == 0, "kms_key_id": None,
                    "attached_instance_ids": []} for i in share("volumes")]
        keys = [{"key_id": f"key-{i}", "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/key-{i}", "key_manager": "CUSTOMER",
                 "key_spec": "SYMMETRIC_DEFAULT", "key_state": "Enabled",
                 "origin": "AWS_KMS", "deletion_date": None,
                 "rotation_enabled": known(i % 2 == 0), "policy": known(None)} for i in share("keys")]
        regional[region] = {
            "ec2": {"ebs_encryption_by_default": known(True), "volumes": known(volumes), "snapshots": known([]),
                    "security_groups": known(groups), "network_acls": known([]), "vpcs": known([]),
                    "instances": known([]), "managed_prefix_lists": known([])},
            "kms": {"keys": known(keys), "aliases": known([])},
        }
    buckets = [{"name": f"bucket-{i}", "region": known(REGIONS[i % 3]),
                "encryption": known({"sse_algorithm": "AES256", "kms_master_key_id": None}),
                "public_access_block": known(None), "policy": known(None), "policy_is_public": known(None),
                "acl_grants": known([]), "versioning": known({"status": None, "mfa_delete": None}),
                "logging": known(None)} for i in range(n["buckets"])]
    snap = {"snapshot_version": 3, "collected_at": NOW, "accounts": [{
        "account_id": ACCOUNT, "partition": "aws", "regions": REGIONS,
        "iam": {"credential_report": known({"rows": rows}),
                "account_summary": known({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}),
                "password_policy": known(None), "virtual_mfa_devices": known([])},
        "s3": {"buckets": known(buckets), "account_public_access_block": known(None)},
        "regional": regional}]}
    with open(a.out, "w") as f:
        json.dump(snap, f)
    print(f"{sum(n.values())} resources: {n}")


if __name__ == "__main__":
    main()
