use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// In every audited region, block public access for EBS snapshots is in
    /// `block-all-sharing` mode (`GetSnapshotBlockPublicAccessState`). One finding per region.
    /// `block-new-sharing` fails: snapshots shared publicly before it was turned on stay
    /// public. `unblocked` fails. A state AWS may add later is an ERROR, not a guess.
    /// ## Why it matters
    /// A public snapshot is a full copy of a disk that any AWS account can turn into a volume.
    /// `ec2_ebs_public_snapshot` finds the snapshots that are public today; this setting keeps
    /// any snapshot from being public at all, including ones shared by mistake tomorrow, and
    /// in `block-all-sharing` mode it also hides those already shared. It is per region.
    /// Like `ec2_ebs_public_snapshot`, this is access control (who can read the data), hence
    /// the `access` measure.
    /// ## Remediation
    /// In each region:
    /// `aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region <region>`.
    /// Snapshots that must be shared go to named accounts, which the setting still allows.
    /// ## References
    /// - AWS Security Hub, control EC2.182
    /// - AWS Config rule `ebs-snapshot-block-public-access`
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html
    pub static CHECK = {
        id: "ec2_ebs_snapshot_account_block_public_access",
        title: "EBS snapshot block public access blocks all sharing in every region",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::SnapshotBlockPublicAccess],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        match &inv.ec2.snapshot_block_public_access {
            Collected::Unknown(why) => out.error(resource, format!("snapshot block public access could not be read: {why}")),
            Collected::Known(state) => match state.as_str() {
                "block-all-sharing" => out.pass(resource, "block public access for snapshots blocks all public sharing"),
                "block-new-sharing" => out.fail(
                    resource,
                    format!("block public access for snapshots blocks only new sharing in {region}: snapshots already public stay public"),
                ),
                "unblocked" => out.fail(resource, format!("block public access for snapshots is off in {region}: snapshots can be made public")),
                other => out.error(resource, format!("block public access for snapshots is in an unrecognised state {other:?}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::{Collected, RegionInventory};
    use crate::testing::*;

    fn with_state(state: Collected<String>) -> RegionInventory {
        let mut inv = RegionInventory::default();
        inv.ec2.snapshot_block_public_access = state;
        inv
    }

    #[test]
    fn one_finding_per_region_only_block_all_sharing_passes() {
        let mut account = account();
        region(&mut account).ec2.snapshot_block_public_access = Collected::Known("block-all-sharing".into());
        account.regional.insert("us-east-1".into(), with_state(Collected::Known("block-new-sharing".into())));
        account.regional.insert("us-west-2".into(), with_state(Collected::Known("unblocked".into())));
        account.regional.insert("ap-south-1".into(), with_state(denied()));

        let found = run(&CHECK, &account);
        assert_eq!(
            outcomes(&found),
            vec![
                (format!("{ACCOUNT}/ap-south-1"), Status::Error),
                (format!("{ACCOUNT}/eu-west-1"), Status::Pass),
                (format!("{ACCOUNT}/us-east-1"), Status::Fail),
                (format!("{ACCOUNT}/us-west-2"), Status::Fail),
            ]
        );
        assert!(found[0].message.contains("AccessDenied"), "{}", found[0].message);
        assert_eq!(found[1].resource.region.as_deref(), Some("eu-west-1"));
        assert!(found[2].message.contains("only new sharing"), "{}", found[2].message);
        assert!(found[3].message.contains("is off in us-west-2"), "{}", found[3].message);
    }

    #[test]
    fn an_unrecognised_state_is_an_error_not_a_verdict() {
        let mut account = account();
        region(&mut account).ec2.snapshot_block_public_access = Collected::Known("block-some-sharing".into());
        let found = run(&CHECK, &account);
        assert_eq!(found[0].status, Status::Error);
        assert!(found[0].message.contains("block-some-sharing"));
    }

    #[test]
    fn not_collected_is_an_error() {
        let mut account = account();
        region(&mut account).ec2.snapshot_block_public_access = Collected::default();
        assert_eq!(run(&CHECK, &account)[0].status, Status::Error);
    }
}
