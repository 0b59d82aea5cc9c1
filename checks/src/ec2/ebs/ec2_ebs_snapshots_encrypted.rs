use super::{snapshot_resource, snapshots};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EBS snapshot the account owns (`DescribeSnapshots(OwnerIds=self)`) is
    /// encrypted. One finding per snapshot.
    /// ## Why it matters
    /// Snapshots outlive the volumes they were taken from and are the usual way data leaves
    /// an account (sharing, copying to another region or account). An unencrypted snapshot
    /// can be shared publicly or with any account, and whoever receives it reads the data;
    /// an encrypted one also requires access to its KMS key.
    /// ## Remediation
    /// Copy the snapshot with encryption and delete the original:
    /// `aws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snap>
    /// --encrypted --kms-key-id <key>`, then `aws ec2 delete-snapshot --snapshot-id <snap>`.
    /// Enable `ec2_ebs_default_encryption` so future snapshots start encrypted.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.1.1 (EBS volume encryption; snapshots are copies of volumes)
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html
    pub static CHECK = {
        id: "ec2_ebs_snapshots_encrypted",
        title: "EBS snapshots are encrypted",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::Snapshots],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(snapshots) = snapshots(account, region, inv, out) else { continue };
        for snapshot in snapshots {
            let resource = snapshot_resource(account, region, snapshot);
            let source = snapshot.volume_id.as_deref().map(|v| format!(" (from {v})")).unwrap_or_default();
            match (snapshot.encrypted, &snapshot.kms_key_id) {
                (true, Some(key)) => out.pass(resource, format!("encrypted with {key}")),
                (true, None) => out.pass(resource, "encrypted"),
                (false, _) => out.fail(resource, format!("not encrypted{source}")),
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
    fn pass_encrypted_fail_unencrypted() {
        let mut account = account();
        region(&mut account).ec2.snapshots = Collected::Known(vec![snapshot("snap-enc", true), snapshot("snap-plain", false)]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "snap-enc"), Status::Pass);
        assert_eq!(status_of(&found, "snap-plain"), Status::Fail);
        assert_eq!(found[1].message, "not encrypted (from vol-1)");
        assert_eq!(found[1].resource.arn.as_deref(), Some("arn:aws:ec2:eu-west-1::snapshot/snap-plain"));
        assert_eq!(found[1].resource.kind, "AwsEc2Snapshot");
    }

    #[test]
    fn error_when_snapshots_unknown() {
        let mut account = account();
        region(&mut account).ec2.snapshots = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }

    #[test]
    fn nothing_recorded_for_a_region_without_snapshots() {
        let mut account = account();
        region(&mut account).ec2.snapshots = Collected::Known(Vec::new());
        assert!(run(&CHECK, &account).is_empty());
    }
}
