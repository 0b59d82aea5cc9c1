use super::{snapshot_resource, snapshots};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No EBS snapshot the account owns is public: its `createVolumePermission` attribute
    /// (`DescribeSnapshotAttribute`) has no `group: all` entry. Sharing with named accounts
    /// (`userId`) is not public and passes; the message lists those accounts.
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
    pub static CHECK = {
        id: "ec2_ebs_public_snapshot",
        title: "EBS snapshots are not public",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::Snapshots, Source::SnapshotPermissions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(snapshots) = snapshots(account, region, inv, out) else { continue };
        for snapshot in snapshots {
            let resource = snapshot_resource(account, region, snapshot);
            let permissions = match &snapshot.create_volume_permissions {
                Collected::Known(p) => p,
                Collected::Unknown(why) => {
                    out.error(resource, format!("createVolumePermission could not be read: {why}"));
                    continue;
                }
            };
            if permissions.iter().any(|p| p.group.as_deref() == Some("all")) {
                out.fail(resource, "public: createVolumePermission grants group 'all', any AWS account can copy it");
                continue;
            }
            let shared: Vec<&str> = permissions.iter().filter_map(|p| p.user_id.as_deref()).collect();
            if shared.is_empty() {
                out.pass(resource, "not shared");
            } else {
                out.pass(resource, format!("not public (shared with account(s) {})", shared.join(", ")));
            }
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
    fn fail_only_when_group_all_is_granted() {
        let mut public = snapshot("snap-public", true);
        public.create_volume_permissions = Collected::Known(vec![permission(Some("all"), None)]);
        let mut shared = snapshot("snap-shared", true);
        shared.create_volume_permissions = Collected::Known(vec![permission(None, Some("111122223333"))]);
        let mut unknown = snapshot("snap-unknown", true);
        unknown.create_volume_permissions = denied();
        let mut account = account();
        region(&mut account).ec2.snapshots =
            Collected::Known(vec![public, shared, snapshot("snap-private", false), unknown]);

        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "snap-public"), Status::Fail);
        assert_eq!(status_of(&found, "snap-shared"), Status::Pass);
        assert_eq!(status_of(&found, "snap-private"), Status::Pass);
        assert_eq!(status_of(&found, "snap-unknown"), Status::Error);
        assert_eq!(found[1].message, "not public (shared with account(s) 111122223333)");
        assert!(found[3].message.contains("AccessDenied"));
    }

    #[test]
    fn error_when_snapshots_unknown() {
        let mut account = account();
        region(&mut account).ec2.snapshots = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
