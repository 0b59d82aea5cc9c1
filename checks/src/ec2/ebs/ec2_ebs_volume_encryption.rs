use super::volume_resource;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EBS volume (`DescribeVolumes`, every state) is encrypted. One finding per volume;
    /// the message names the KMS key of an encrypted volume and the instances an unencrypted
    /// one is attached to.
    /// ## Why it matters
    /// An unencrypted volume keeps its data, and every snapshot taken from it, readable to
    /// anyone who obtains a copy: a shared or leaked snapshot, a mis-scoped
    /// `ec2:CreateVolume` permission. Encryption also ties reading the data to a KMS key
    /// whose use is logged and can be revoked.
    /// ## Remediation
    /// A volume cannot be encrypted in place. Snapshot it, copy the snapshot with
    /// encryption (`aws ec2 copy-snapshot --source-snapshot-id <snap> --encrypted
    /// --kms-key-id <key>`), create a volume from the copy, swap it in during a maintenance
    /// window, then delete the old volume. Enable `ec2_ebs_default_encryption` so new
    /// volumes are encrypted.
    /// ## References
    /// - AWS Security Hub, control EC2.3
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.1.1 (EBS volume encryption)
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
    pub static CHECK = {
        id: "ec2_ebs_volume_encryption",
        title: "EBS volumes are encrypted",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::Volumes],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let volumes = match &inv.ec2.volumes {
            Collected::Known(v) => v,
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEc2Volume"), format!("EBS volumes could not be listed: {why}"));
                continue;
            }
        };
        for volume in volumes {
            let resource = volume_resource(account, region, volume);
            if volume.encrypted {
                match &volume.kms_key_id {
                    Some(key) => out.pass(resource, format!("encrypted with {key}")),
                    None => out.pass(resource, "encrypted"),
                }
            } else if volume.attached_instance_ids.is_empty() {
                out.fail(resource, "not encrypted (not attached)");
            } else {
                out.fail(resource, format!("not encrypted (attached to {})", volume.attached_instance_ids.join(", ")));
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
        let mut loose = volume("vol-loose", false);
        loose.attached_instance_ids.clear();
        region(&mut account).ec2.volumes = Collected::Known(vec![volume("vol-enc", true), volume("vol-plain", false), loose]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "vol-enc"), Status::Pass);
        assert_eq!(status_of(&found, "vol-plain"), Status::Fail);
        assert_eq!(status_of(&found, "vol-loose"), Status::Fail);
        assert_eq!(found[0].message, "encrypted with alias/aws/ebs");
        assert_eq!(found[1].message, "not encrypted (attached to i-0123)");
        assert_eq!(found[1].resource.arn.as_deref(), Some(format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/vol-plain").as_str()));
        assert_eq!(found[1].resource.kind, "AwsEc2Volume");
    }

    #[test]
    fn error_when_volumes_unknown() {
        let mut account = account();
        region(&mut account).ec2.volumes = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/eu-west-1")), Status::Error);
        assert!(found[0].message.contains("AccessDenied"));
    }
}
