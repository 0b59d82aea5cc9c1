use super::{bucket_resource, buckets};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every S3 bucket has MFA delete enabled (`GetBucketVersioning` returns
    /// `MFADelete: Enabled`, which requires versioning). CIS assesses this control manually;
    /// Rampart reads the setting, so it reports PASS or FAIL on the data.
    /// ## Why it matters
    /// With MFA delete, permanently deleting an object version or suspending versioning needs
    /// the root user's MFA code as well as credentials. Stolen access keys, or a ransomware
    /// script running with them, can then not destroy the bucket's history. It is an access
    /// control on destructive operations, hence the `access` measure.
    /// ## Remediation
    /// Only the root user can enable it, with the CLI and its MFA device:
    /// `aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration
    /// Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::<account>:mfa/root-account-mfa-device <code>"`.
    /// Where that is impractical, S3 Object Lock gives similar protection.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.1.2
    /// - AWS Security Hub, control S3.20
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
    pub static CHECK = {
        id: "s3_bucket_no_mfa_delete",
        title: "S3 buckets have MFA delete enabled",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::Buckets, Source::BucketVersioning],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(buckets) = buckets(account, out) else { return };
    for bucket in buckets {
        let resource = bucket_resource(account, bucket);
        match &bucket.versioning {
            Collected::Unknown(why) => out.error(resource, format!("bucket versioning could not be read: {why}")),
            Collected::Known(v) if v.mfa_delete.as_deref() == Some("Enabled") => out.pass(resource, "MFA delete enabled"),
            Collected::Known(v) => {
                let versioning = v.status.as_deref().unwrap_or("never enabled");
                out.fail(resource, format!("MFA delete not enabled (versioning: {versioning})"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::s3::Versioning;
    use crate::s3::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error_per_bucket() {
        let mut plain = bucket("plain");
        plain.versioning = Collected::Known(Versioning::default());
        let mut versioned = bucket("versioned");
        versioned.versioning =
            Collected::Known(Versioning { status: Some("Enabled".into()), mfa_delete: Some("Disabled".into()) });
        let mut unknown = bucket("unknown");
        unknown.versioning = denied();
        let account = account_with_buckets(vec![bucket("mfa"), plain, versioned, unknown], Collected::Known(None));

        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "mfa"), Status::Pass);
        assert_eq!(status_of(&found, "plain"), Status::Fail);
        assert_eq!(status_of(&found, "versioned"), Status::Fail);
        assert_eq!(status_of(&found, "unknown"), Status::Error);
        assert_eq!(found[1].message, "MFA delete not enabled (versioning: never enabled)");
        assert_eq!(found[2].message, "MFA delete not enabled (versioning: Enabled)");
    }

    #[test]
    fn error_when_buckets_unknown() {
        let mut account = account();
        account.s3.buckets = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
