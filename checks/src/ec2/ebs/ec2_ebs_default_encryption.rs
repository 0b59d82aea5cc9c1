use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// In every audited region, EBS encryption by default is enabled
    /// (`GetEbsEncryptionByDefault` returns `true`). One finding per region; the message names
    /// the default KMS key (`GetEbsDefaultKmsKeyId`) when it is known.
    /// ## Why it matters
    /// With the setting on, every new volume and every snapshot copy in the region is
    /// encrypted, whatever tool or person creates it. Without it, encryption depends on each
    /// caller remembering a flag, and an unencrypted volume cannot be encrypted in place.
    /// The setting is per region: a region nobody uses is exactly where it is forgotten.
    /// ## Remediation
    /// In each region: `aws ec2 enable-ebs-encryption-by-default --region <region>`.
    /// Optionally choose a customer managed key:
    /// `aws ec2 modify-ebs-default-kms-key-id --kms-key-id <key-arn> --region <region>`.
    /// Existing volumes are not changed; see `ec2_ebs_volume_encryption`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.1.1
    /// - AWS Security Hub, control EC2.7
    /// - https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
    pub static CHECK = {
        id: "ec2_ebs_default_encryption",
        title: "EBS encryption by default is enabled in every region",
        measure: Measure::Encryption,
        severity: Severity::High,
        reads: [Source::EbsEncryptionByDefault, Source::EbsDefaultKmsKey],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        match &inv.ec2.ebs_encryption_by_default {
            Collected::Unknown(why) => out.error(resource, format!("EBS encryption by default could not be read: {why}")),
            Collected::Known(true) => match inv.ec2.ebs_default_kms_key_id.known().and_then(|k| k.as_deref()) {
                Some(key) => out.pass(resource, format!("EBS encryption by default is enabled (default key {key})")),
                None => out.pass(resource, "EBS encryption by default is enabled"),
            },
            Collected::Known(false) => out.fail(
                resource,
                format!("EBS encryption by default is disabled in {region}: new volumes are created unencrypted"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::{Collected, RegionInventory};
    use crate::testing::*;

    #[test]
    fn one_finding_per_region() {
        let mut account = account();
        region(&mut account).ec2.ebs_encryption_by_default = Collected::Known(true);
        region(&mut account).ec2.ebs_default_kms_key_id = Collected::Known(Some("alias/aws/ebs".into()));
        let mut off = RegionInventory::default();
        off.ec2.ebs_encryption_by_default = Collected::Known(false);
        account.regional.insert("us-east-1".into(), off);
        let mut unknown = RegionInventory::default();
        unknown.ec2.ebs_encryption_by_default = denied();
        account.regional.insert("ap-south-1".into(), unknown);

        let found = run(&CHECK, &account);
        assert_eq!(
            outcomes(&found),
            vec![
                (format!("{ACCOUNT}/ap-south-1"), Status::Error),
                (format!("{ACCOUNT}/eu-west-1"), Status::Pass),
                (format!("{ACCOUNT}/us-east-1"), Status::Fail),
            ]
        );
        assert_eq!(found[1].message, "EBS encryption by default is enabled (default key alias/aws/ebs)");
        assert_eq!(found[1].resource.region.as_deref(), Some("eu-west-1"));
        assert!(found[0].message.contains("AccessDenied"));
    }

    #[test]
    fn pass_without_known_default_key() {
        let mut account = account();
        region(&mut account).ec2.ebs_encryption_by_default = Collected::Known(true);
        let found = run(&CHECK, &account);
        assert_eq!(found[0].status, Status::Pass);
        assert_eq!(found[0].message, "EBS encryption by default is enabled");
    }
}
