use std::collections::BTreeSet;

use super::{snapshot_resource, snapshots};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::ec2::Snapshot;
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No EBS snapshot the account owns is public: none is among the snapshots any AWS
    /// account may restore, which one paginated `DescribeSnapshots` per region lists
    /// (`OwnerIds=self`, `RestorableByUserIds=all`: the snapshots whose
    /// `createVolumePermission` grants `group: all`). Sharing with named accounts is not
    /// public and passes. When that list cannot be read, the region is ERROR.
    /// ## Why it matters
    /// A public snapshot can be copied by any AWS account in the world, and a volume made
    /// from it exposes everything that was on the disk: databases, keys, credentials in
    /// configuration files. Public snapshots are routinely harvested by scanners.
    /// This is access control (who can read the data), hence the `access` measure.
    /// ## Remediation
    /// `aws ec2 modify-snapshot-attribute --snapshot-id <snap> --attribute
    /// createVolumePermission --operation-type remove --group-names all`. To prevent it
    /// account-wide: `aws ec2 enable-snapshot-block-public-access --state block-all-sharing`
    /// in every region.
    /// ## References
    /// - AWS Security Hub, control EC2.1
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html
    /// - https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html
    pub static CHECK = {
        id: "ec2_ebs_public_snapshot",
        title: "EBS snapshots are not public",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::Snapshots, Source::PublicSnapshots],
        eval: evaluate,
    }
}

const PUBLIC: &str = "public: createVolumePermission grants group 'all', any AWS account can copy it";

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(snapshots) = snapshots(account, region, inv, out) else { continue };
        let public: BTreeSet<&str> = match &inv.ec2.public_snapshot_ids {
            Collected::Known(ids) => ids.iter().map(String::as_str).collect(),
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEc2Snapshot"), format!("public snapshots could not be listed: {why}"));
                continue;
            }
        };
        let mut listed = BTreeSet::new();
        for snapshot in snapshots {
            listed.insert(snapshot.snapshot_id.as_str());
            let resource = snapshot_resource(account, region, snapshot);
            if public.contains(snapshot.snapshot_id.as_str()) {
                out.fail(resource, PUBLIC);
            } else {
                out.pass(resource, "not public");
            }
        }
        // A snapshot made public between the two listings is public all the same.
        for id in public.difference(&listed) {
            out.fail(snapshot_resource(account, region, &Snapshot { snapshot_id: id.to_string(), volume_id: None, encrypted: false, kms_key_id: None }), PUBLIC);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn fail_only_for_the_snapshots_listed_as_public() {
        let mut account = account();
        let region = region(&mut account);
        region.ec2.snapshots = Collected::Known(vec![snapshot("snap-public", true), snapshot("snap-private", false)]);
        region.ec2.public_snapshot_ids = Collected::Known(vec!["snap-public".to_string()]);

        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 2);
        assert_eq!(status_of(&found, "snap-public"), Status::Fail);
        assert_eq!(status_of(&found, "snap-private"), Status::Pass);
        assert_eq!(found[1].message, "not public");
    }

    #[test]
    fn a_public_snapshot_missing_from_the_owned_list_still_fails() {
        let mut account = account();
        let region = region(&mut account);
        region.ec2.snapshots = Collected::Known(vec![snapshot("snap-1", true)]);
        region.ec2.public_snapshot_ids = Collected::Known(vec!["snap-new".to_string()]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "snap-1"), Status::Pass);
        assert_eq!(status_of(&found, "snap-new"), Status::Fail);
        assert_eq!(found.iter().find(|f| f.resource.id == "snap-new").unwrap().resource.arn.as_deref(), Some(&*format!("arn:aws:ec2:{REGION}::snapshot/snap-new")));
    }

    #[test]
    fn error_for_the_region_when_the_public_list_is_unknown() {
        let mut account = account();
        let region = region(&mut account);
        region.ec2.snapshots = Collected::Known(vec![snapshot("snap-1", true)]);
        region.ec2.public_snapshot_ids = denied();
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 1, "no PASS for a snapshot whose publicity is unknown: {found:?}");
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.starts_with("public snapshots could not be listed"), "{}", found[0].message);
        assert!(found[0].message.contains("AccessDenied"));
    }

    #[test]
    fn error_when_snapshots_unknown() {
        let mut account = account();
        region(&mut account).ec2.snapshots = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
