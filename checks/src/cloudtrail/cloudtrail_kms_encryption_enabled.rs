use super::{trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every CloudTrail trail encrypts its log files with a KMS key (`DescribeTrails` `KmsKeyId`
    /// set) rather than with S3-managed keys alone.
    /// ## Why it matters
    /// With SSE-KMS, reading the logs needs `kms:Decrypt` on the key as well as read access to
    /// the bucket, and every decryption is itself logged. A bucket policy mistake then no longer
    /// exposes the account's whole activity history.
    /// ## Remediation
    /// Create a key whose policy lets CloudTrail encrypt (`cloudtrail.amazonaws.com`,
    /// `kms:GenerateDataKey*`) and your readers decrypt, then
    /// `aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.5
    /// - AWS Foundational Security Best Practices, control CloudTrail.2
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
    pub static CHECK = {
        id: "cloudtrail_kms_encryption_enabled",
        title: "CloudTrail trails encrypt their logs with a KMS key",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::Trails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(trails) = trails(account, out) else { return };
    for trail in trails {
        match trail.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
            Some(key) => out.pass(trail_resource(trail), format!("logs encrypted with KMS key {key}")),
            None => out.fail(trail_resource(trail), "logs are not encrypted with a KMS key (SSE-S3 only)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn per_trail() {
        let mut a = cloudtrail_account();
        let mut plain = trail("plain");
        plain.kms_key_id = None;
        let mut blank = trail("blank");
        blank.kms_key_id = Some(String::new());
        set_trails(&mut a, vec![trail("kms"), plain, blank]);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, "kms"), Status::Pass);
        assert_eq!(status_of(&found, "plain"), Status::Fail);
        assert_eq!(status_of(&found, "blank"), Status::Fail);
    }

    #[test]
    fn error_when_trails_unreadable() {
        let mut a = cloudtrail_account();
        a.cloudtrail.trails = denied();
        assert_eq!(status_of(&run(&CHECK, &a), ACCOUNT), Status::Error);
    }
}
