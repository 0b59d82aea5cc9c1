//! Collection is planned from the selected checks' reads: against the seeded emulator,
//! through the recording proxy, an audit of the security-group checks sends only the
//! security-group reads, and a collection makes exactly the reads its checks declare.

mod common;

use std::collections::BTreeSet;

use common::proxy::{Faults, Proxy, Seen, seeded_emulator};
use common::{rampart, run};
use rampart_checks::inventory::{AccountInventory, Collector, Inventory, Plan, Source};
use serde_json::Value;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

fn security_group_checks() -> String {
    let ids: Vec<&str> =
        rampart_checks::all_checks().into_iter().map(|c| c.id).filter(|id| id.starts_with("ec2_securitygroup_")).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    ids.join(",")
}

fn demo(endpoint: &str, args: &[&str]) -> (i32, String, String) {
    run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(args)
        .args(["--endpoint-url", endpoint])
        .args(REGIONS))
}

#[test]
fn an_audit_of_the_security_group_checks_reads_only_security_groups() {
    let proxy = Proxy::start(seeded_emulator(), Faults::default());
    let checks = security_group_checks();
    let (code, out, err) = demo(&proxy.url, &["audit", "--format", "json", "--checks", &checks]);
    assert!(code == 0 || code == 3, "exit {code}: {err}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}"));
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["status"] == "FAIL"), "the seeded open groups fail: {report}");
    let seen: Vec<Seen> = proxy.seen();

    let sent = |service: &str, action: &str| seen.iter().filter(|s| s.service == service && s.action == action).count();
    for action in ["DescribeSnapshots", "DescribeSnapshotAttribute", "DescribeVolumes", "DescribeInstances", "DescribeNetworkAcls"] {
        assert_eq!(sent("ec2", action), 0, "ec2:{action} was sent");
    }
    for service in ["kms", "s3", "iam", "cloudtrail", "logs", "monitoring", "sns", "rds", "ssm"] {
        let of: Vec<&Seen> = seen.iter().filter(|s| s.service == service).collect();
        assert!(of.is_empty(), "{service} requests were sent: {of:#?}");
    }
    // The security-group reads were sent, in every region (and nothing else of EC2: no
    // seeded rule names a prefix list).
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            seen.iter().any(|s| s.service == "ec2" && s.region == region && s.action == "DescribeSecurityGroups"),
            "no DescribeSecurityGroups in {region}: {seen:#?}"
        );
    }
    // And the resources' tags (findings carry them): one listing per region.
    for region in ["us-east-1", "eu-west-1"] {
        assert_eq!(seen.iter().filter(|s| s.service == "tagging" && s.region == region).count(), 1, "{region}: {seen:#?}");
    }
    let services: BTreeSet<&str> = seen.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, BTreeSet::from(["ec2", "sts", "tagging"]), "{seen:#?}");
    let ec2: BTreeSet<&str> = seen.iter().filter(|s| s.service == "ec2").map(|s| s.action.as_str()).collect();
    // The groups, and the interfaces that say which groups are in use (a world-open rule on a
    // group no interface uses is informational).
    assert_eq!(ec2, BTreeSet::from(["DescribeNetworkInterfaces", "DescribeSecurityGroups"]));
}

fn collected(args: &[&str]) -> AccountInventory {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let path = snapshot.to_str().unwrap();
    let (code, _, err) = demo(seeded_emulator(), &[&["collect", "-o", path][..], args].concat());
    assert_eq!(code, 0, "{err}");
    let inventory: Inventory = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    inventory.accounts.into_iter().next().unwrap()
}

/// Whether the collection left `source` at the inventory's "not collected".
fn left_uncollected(account: &AccountInventory, source: Source) -> bool {
    let before = serde_json::to_string(account).unwrap();
    let mut marked = account.clone();
    source.mark_unknown(&mut marked, "not collected");
    serde_json::to_string(&marked).unwrap() == before
}

#[test]
fn a_collection_makes_exactly_the_reads_its_checks_declare() {
    // Everything: each source some check reads is filled (known, or unknown with the
    // reason of its own failure), and no other.
    let all = collected(&[]);
    // Every check an AWS collection serves: all but the in-cluster ones (`--kubernetes`).
    let aws: Vec<_> =
        rampart_checks::all_checks().into_iter().filter(|c| !c.reads.iter().any(|s| s.collector() == Collector::Kubernetes)).collect();
    let plan = Plan::of(&aws);
    for &source in Source::ALL {
        assert_eq!(left_uncollected(&all, source), !plan.reads(source), "{source} (all checks)");
    }

    // The security-group checks: their three sources and the tags, nothing else.
    let checks = security_group_checks();
    let sg = collected(&["--checks", &checks]);
    for &source in Source::ALL {
        let read = matches!(
            source,
            Source::SecurityGroups | Source::ManagedPrefixLists | Source::NetworkInterfaces | Source::ResourceTags
        );
        assert_eq!(left_uncollected(&sg, source), !read, "{source} (security-group checks)");
    }

    // Public snapshots: the snapshot list and the public listing, not the volumes.
    let snapshots = collected(&["--checks", "ec2_ebs_public_snapshot"]);
    assert!(!left_uncollected(&snapshots, Source::Snapshots));
    assert!(!left_uncollected(&snapshots, Source::PublicSnapshots));
    assert!(left_uncollected(&snapshots, Source::Volumes));
    // Encrypted snapshots: the list without the public listing.
    let encrypted = collected(&["--checks", "ec2_ebs_snapshots_encrypted"]);
    assert!(!left_uncollected(&encrypted, Source::Snapshots));
    assert!(left_uncollected(&encrypted, Source::PublicSnapshots));
}
