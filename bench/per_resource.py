#!/usr/bin/env python3
"""Requests per resource type of a bench/run.sh audit, Rampart beside Prowler (markdown).

Usage: per_resource.py DIR [--run N] [--detail] [--fixed-actions]
       per_resource.py --seed seed.json [--rampart R.requests.json] [--prowler P.requests.json] [--detail]

DIR is a bench/run.sh output directory: DIR/seed.json (bench/seed_large.py's counts) and
DIR/TOOL-N.requests.json (bench/analyze.py's per-action counts) of run N (default 1).

Every API action either tool sent is put in one row by the table _BY_ROW below: the resource
type it reads (IAM users, security groups, EBS volumes, EBS snapshots, S3 buckets, KMS keys;
VPCs and subnets, which are not seeded but which Prowler reads one by one), or "fixed", the
calls whose number depends on the regions and the account, not on how many resources there
are. The listing calls of a type (ListUsers, DescribeVolumes, ListKeys, ...) count in that
type's row. An action that is not in the table is shown in an "other" row with its name,
never left out. Every request the proxy logged counts, the resending of a failed one
included (run.sh gives both tools 2 attempts); --detail also prints one line per action,
with how many of its requests were answered 4xx or 5xx; --fixed-actions names the fixed
calls in the main table instead of summing them by service. The total row divides by
seed.json's "resources" (the seeded ones, VPCs and subnets not included), as report.py does.
"""

import argparse
import json
import os
import sys
from collections import defaultdict

# Rows, in order: (key, label, the seed.json count that is the denominator)
ROWS = [
    ("users", "IAM users", "users"),
    ("security_groups", "security groups", "security_groups"),
    ("volumes", "EBS volumes", "volumes"),
    ("snapshots", "EBS snapshots", "snapshots"),
    ("buckets", "S3 buckets", "buckets"),
    ("kms_keys", "KMS keys", "kms_keys"),
    # Not seeded as such: moto's default VPC of each region with its subnets, and the VPCs that
    # hold the groups (seed.json's "network" counts them all). Prowler reads them one by one.
    ("network", "VPCs and subnets (not in the seeded total)", "network"),
    ("fixed", "per region / per account fixed calls", None),
]

# (signing name as logged by count_proxy.py, action) -> row. Both tools share the table: an
# action reads the same thing whichever tool sends it.
_BY_ROW = {
    "users": {
        "iam": [
            # Rampart: the credential report and GetAccountAuthorizationDetails answer for every
            # user at once, a page of many at a time (the latter also for the roles, groups and
            # policies; the seeded account's users are nearly all it holds).
            "GenerateCredentialReport", "GetCredentialReport", "GetAccountAuthorizationDetails",
            # Prowler: the listing, then user by user.
            "ListUsers", "GetLoginProfile", "ListAttachedUserPolicies", "ListMFADevices", "ListUserPolicies",
            "GetUserPolicy", "ListAccessKeys", "GetAccessKeyLastUsed", "GenerateServiceLastAccessedDetails",
            "GetServiceLastAccessedDetails", "ListUserTags", "ListSigningCertificates", "ListSSHPublicKeys",
            "ListServiceSpecificCredentials", "ListGroupsForUser", "GetUser",
            # Virtual MFA devices: one per user with MFA in the seeded account (one in twenty).
            "ListVirtualMFADevices",
        ],
    },
    "security_groups": {
        "ec2": ["DescribeSecurityGroups", "DescribeSecurityGroupRules"],
    },
    "volumes": {
        "ec2": ["DescribeVolumes", "DescribeVolumeAttribute", "DescribeVolumeStatus"],
    },
    "snapshots": {
        "ec2": ["DescribeSnapshots", "DescribeSnapshotAttribute"],
    },
    "buckets": {
        "s3": [
            "ListBuckets", "GetBucketLocation", "GetBucketEncryption", "GetPublicAccessBlock",
            "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketAcl", "GetBucketVersioning", "GetBucketLogging",
            "GetBucketOwnershipControls", "GetObjectLockConfiguration", "GetBucketTagging", "GetBucketReplication",
            "GetBucketLifecycle", "GetBucketLifecycleConfiguration", "GetBucketNotification",
            "GetBucketNotificationConfiguration", "GetBucketWebsite", "GetBucketCors", "GetBucketAccelerateConfiguration",
            "GetBucketRequestPayment", "GetBucketAnalyticsConfiguration", "ListBucketAnalyticsConfigurations",
            "ListBucketIntelligentTieringConfigurations", "ListBucketInventoryConfigurations",
            "ListBucketMetricsConfigurations", "GetBucketIntelligentTieringConfiguration",
        ],
    },
    "kms_keys": {
        "kms": ["ListKeys", "ListAliases", "DescribeKey", "GetKeyRotationStatus", "GetKeyPolicy", "ListResourceTags",
                "ListKeyPolicies", "ListGrants", "ListKeyRotations"],
    },
    "network": {
        # Rampart: one paginated listing per region each. Prowler: also DescribeFlowLogs and
        # DescribeNetworkInterfaces per VPC, and DescribeNetworkInterfaces and one or two
        # DescribeRouteTables per subnet.
        "ec2": ["DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeNetworkAcls", "DescribeFlowLogs",
                "DescribeNetworkInterfaces", "DescribeVpcPeeringConnections", "DescribeVpcAttribute",
                "DescribeInternetGateways", "DescribeNatGateways", "DescribeEgressOnlyInternetGateways"],
    },
    "fixed": {
        "sts": ["GetCallerIdentity", "AssumeRole"],
        "iam": [
            "GetAccountSummary", "GetAccountPasswordPolicy", "ListServerCertificates", "ListSAMLProviders",
            "ListOpenIDConnectProviders", "ListRoles", "GetRole", "ListRolePolicies", "ListAttachedRolePolicies",
            "ListRoleTags", "GetRolePolicy", "ListGroups", "GetGroup", "ListGroupPolicies", "ListAttachedGroupPolicies",
            "GetGroupPolicy", "ListPolicies", "GetPolicy", "GetPolicyVersion", "ListEntitiesForPolicy",
            "ListPolicyTags", "ListInstanceProfiles", "ListOrganizationsFeatures",
        ],
        "s3control": ["GetPublicAccessBlock", "ListAccessPoints", "ListMultiRegionAccessPoints"],
        # Prowler's bucket-sniping check: HeadBucket on the names services would give buckets
        # of their own (aws-glue-assets-ACCOUNT-REGION, sagemaker-REGION-ACCOUNT, ...), four a
        # region, none of which exist.
        "s3": ["HeadBucket"],
        "organizations": ["DescribeOrganization", "ListAccounts", "ListPolicies", "DescribePolicy", "ListTargetsForPolicy",
                          "ListDelegatedAdministrators", "DescribeAccount", "ListTagsForResource", "ListParents",
                          "ListRoots", "ListPoliciesForTarget"],
        "account": ["GetContactInformation", "GetAlternateContact", "GetRegionOptStatus", "ListRegions"],
        "ec2": [
            # Regional settings.
            "GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId", "GetSnapshotBlockPublicAccessState",
            "GetImageBlockPublicAccessState", "GetInstanceMetadataDefaults", "DescribeRegions",
            "DescribeAvailabilityZones", "DescribeAccountAttributes", "GetSerialConsoleAccessStatus",
            # Listings of resources the seeded account has none of, one page each.
            "DescribeInstances", "DescribeImages", "DescribeAddresses", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions",
            "DescribeClientVpnEndpoints", "DescribeTransitGateways", "DescribeVpcEndpoints",
            "DescribeVpcEndpointServices", "DescribeVpcEndpointServiceConfigurations",
            "DescribeVpcEndpointServicePermissions", "DescribeVpnConnections", "DescribeManagedPrefixLists",
            "DescribeInstanceAttribute",
        ],
        "cloudtrail": ["DescribeTrails", "GetTrailStatus", "GetEventSelectors", "GetInsightSelectors", "ListTrails",
                       "LookupEvents", "ListTags", "ListEventDataStores"],
        "logs": ["DescribeMetricFilters", "DescribeLogGroups", "DescribeResourcePolicies", "ListTagsForResource",
                 "ListTagsLogGroup", "FilterLogEvents", "DescribeLogStreams", "DescribeDestinations",
                 "DescribeSubscriptionFilters", "GetDataProtectionPolicy"],
        "monitoring": ["DescribeAlarms", "ListTagsForResource", "ListMetrics", "DescribeAlarmsForMetric"],
        "sns": ["ListTopics", "ListSubscriptions", "GetTopicAttributes", "ListTagsForResource",
                "ListSubscriptionsByTopic", "GetSubscriptionAttributes"],
        "config": ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus",
                   "DescribeConfigurationAggregators", "DescribeDeliveryChannels", "DescribeConfigRules"],
        "guardduty": ["ListDetectors", "GetDetector", "ListOrganizationAdminAccounts", "ListFindings",
                      "GetAdministratorAccount", "GetMasterAccount", "ListMembers"],
        "securityhub": ["DescribeHub", "ListOrganizationAdminAccounts", "GetEnabledStandards",
                        "DescribeOrganizationConfiguration", "ListEnabledProductsForImport"],
        "access-analyzer": ["ListAnalyzers", "ListFindings", "ListFindingsV2"],
        "ssm": ["DescribeInstanceInformation", "ListResourceComplianceSummaries", "ListDocuments", "DescribeParameters",
                "GetServiceSetting", "DescribeDocumentPermission", "GetDocument", "ListComplianceItems",
                "DescribeSessions"],
        "rds": ["DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots", "DescribeDBClusterSnapshots",
                "DescribeDBEngineVersions", "DescribeEventSubscriptions", "DescribeDBParameterGroups",
                "DescribeDBClusterParameterGroups", "DescribeDBProxies", "DescribeCertificates",
                "DescribeDBSnapshotAttributes", "DescribeDBClusterSnapshotAttributes"],
        "elasticfilesystem": ["DescribeFileSystems", "DescribeFileSystemPolicy", "DescribeBackupPolicy",
                              "DescribeMountTargets", "DescribeAccessPoints"],
        "macie2": ["GetMacieSession", "GetAutomatedDiscoveryConfiguration", "ListClassificationJobs"],
        # Read by Prowler's checks of the services above (backups of EBS, EFS, RDS, ...; Lambda
        # and Batch for its secrets-in-code and public-compute checks).
        "backup": ["ListBackupVaults", "ListBackupPlans", "ListReportPlans", "ListBackupSelections",
                   "ListRecoveryPointsByBackupVault", "ListProtectedResources", "GET /backup-vaults/",
                   "GET /backup/plans/"],
        "lambda": ["ListFunctions", "ListEventSourceMappings", "GetPolicy", "GetFunctionUrlConfig",
                   "ListTags", "GetFunction"],
        "batch": ["DescribeJobDefinitions", "DescribeComputeEnvironments", "DescribeJobQueues"],
    },
}
ACTIONS = {(svc, action): row for row, by_svc in _BY_ROW.items() for svc, actions in by_svc.items() for action in actions}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError:
        return None


def split(requests):
    """{row: {(service, action): n}} and the errors per action, from analyze.py's JSON."""
    rows = defaultdict(dict)
    for a in requests["actions"]:
        key = (a["service"], a["action"])
        rows[ACTIONS.get(key, "other")][key] = a["requests"]
    errors = defaultdict(int)
    for e in requests.get("errors", []):
        errors[(e["service"], e["action"])] += e["requests"]
    return rows, errors


def names(calls):
    """`GetBucketAcl 50, ...`: the actions of a row, most requests first."""
    items = sorted(calls.items(), key=lambda kv: (-kv[1], kv[0]))
    # The service prefix only where the action name alone is ambiguous in this row.
    short = defaultdict(set)
    for (svc, act), _ in items:
        short[act].add(svc)
    out = []
    for (svc, act), n in items:
        name = act if len(short[act]) == 1 and ACTIONS.get((svc, act)) != "fixed" else f"{svc}:{act}"
        out.append(f"{name} {n:,}")
    return ", ".join(out) if out else "–"


def by_service(calls):
    """`41 actions: ec2 120, ...`: the fixed calls of a row, by service."""
    if not calls:
        return "–"
    svc = defaultdict(int)
    for (s, _), n in calls.items():
        svc[s] += n
    return f"{len(calls)} actions: " + ", ".join(f"{s} {n:,}" for s, n in sorted(svc.items(), key=lambda kv: (-kv[1], kv[0])))


def per(n, d):
    if not d:
        return "–"
    v = n / d
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def table(seed, tools, detail=False, fixed_actions=False):
    counts = dict(seed.get("counts", {}))
    if seed.get("network"):
        counts["network"] = seed["network"]["vpcs"] + seed["network"]["subnets"]
    regions = len(seed.get("regions", [])) or None
    loaded = {t: split(r) for t, r in tools.items() if r}
    names_ = list(loaded)
    head = "| resource type | seeded |"
    rule = "|---|---:|"
    for t in names_:
        head += f" {t}: API actions (requests) | {t}: requests | {t}: per resource |"
        rule += "---|---:|---:|"
    print(head)
    print(rule)
    rows = list(ROWS)
    if any(loaded[t][0].get("other") for t in names_):
        rows.append(("other", "other (not assigned to a type)", None))
    totals = {t: 0 for t in names_}
    for key, label, count_key in rows:
        n_res = counts.get(count_key) if count_key else None
        seeded = "–" if n_res is None else f"({n_res:,})" if key == "network" else f"{n_res:,}"
        cells = [label, seeded]
        for t in names_:
            calls = loaded[t][0].get(key, {})
            total = sum(calls.values())
            totals[t] += total
            if key == "fixed":
                what = names(calls) if fixed_actions else by_service(calls)
                ratio = f"{total / regions:.1f} per region" if regions and total else "–"
            else:
                what = names(calls)
                ratio = per(total, n_res) if n_res else "–"
            cells += [what, f"{total:,}", ratio]
        print("| " + " | ".join(cells) + " |")
    resources = seed.get("resources") or None  # the seeded ones, as in report.py
    cells = ["**total**", f"{resources:,}" if resources else "–"]
    for t in names_:
        cells += ["", f"**{totals[t]:,}**", f"**{per(totals[t], resources)}**"]
    print("| " + " | ".join(cells) + " |")

    if not detail:
        return
    print()
    head = "| row | service:action |"
    rule = "|---|---|"
    for t in names_:
        head += f" {t} | {t} 4xx/5xx |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    labels = {k: lbl for k, lbl, _ in rows}
    order = {k: i for i, (k, _, _) in enumerate(rows)}
    keys = set()
    for t in names_:
        for row, calls in loaded[t][0].items():
            keys.update((row, k) for k in calls)
    for row, (svc, act) in sorted(keys, key=lambda rk: (order.get(rk[0], 99), rk[1])):
        cells = [labels.get(row, row), f"{svc}:{act}"]
        for t in names_:
            n = loaded[t][0].get(row, {}).get((svc, act))
            err = loaded[t][1].get((svc, act))
            cells += [f"{n:,}" if n else "–", f"{err:,}" if err else "–"]
        print("| " + " | ".join(cells) + " |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", nargs="?", help="a bench/run.sh output directory")
    p.add_argument("--run", type=int, default=1, help="which run of the directory (default 1)")
    p.add_argument("--seed")
    p.add_argument("--rampart")
    p.add_argument("--prowler")
    p.add_argument("--detail", action="store_true", help="also one line per action")
    p.add_argument("--fixed-actions", action="store_true", help="name the fixed calls in the main table")
    a = p.parse_args()
    if a.dir:
        a.seed = a.seed or os.path.join(a.dir, "seed.json")
        a.rampart = a.rampart or os.path.join(a.dir, f"rampart-{a.run}.requests.json")
        a.prowler = a.prowler or os.path.join(a.dir, f"prowler-{a.run}.requests.json")
    if not a.seed:
        p.error("give DIR or --seed")
    seed = load(a.seed)
    if seed is None:
        sys.exit(f"per_resource.py: no {a.seed}")
    tools = {name: load(path) for name, path in (("Rampart", a.rampart), ("Prowler", a.prowler)) if path}
    tools = {k: v for k, v in tools.items() if v}
    if not tools:
        sys.exit("per_resource.py: no requests.json to read")
    table(seed, tools, detail=a.detail, fixed_actions=a.fixed_actions)


if __name__ == "__main__":
    main()
