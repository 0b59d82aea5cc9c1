use super::{bucket_resource, buckets};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every S3 bucket has a default server-side encryption configuration
    /// (`GetBucketEncryption`): `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse`.
    /// The message names the algorithm and the KMS key.
    /// ## Why it matters
    /// Default encryption makes every object written without explicit encryption headers
    /// encrypted at rest. Since January 2023 AWS applies SSE-S3 to new buckets
    /// automatically, so a bucket without a configuration is either very old or reported by
    /// an endpoint that does not apply the default; either way its objects may be stored in
    /// clear.
    /// ## Remediation
    /// `aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration
    /// '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key>"},"BucketKeyEnabled":true}]}'`
    /// (or `"SSEAlgorithm":"AES256"`). Existing objects keep their encryption state; copy them
    /// over themselves to re-encrypt.
    /// ## References
    /// - AWS Security Hub, control S3.4 (retired once SSE-S3 became the default)
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
    pub static CHECK = {
        id: "s3_bucket_default_encryption",
        title: "S3 buckets have default server-side encryption",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::Buckets, Source::BucketEncryption],
        eval: evaluate,
    }
}

fn describe(algorithm: &str) -> &'static str {
    match algorithm {
        "AES256" => " (SSE-S3)",
        "aws:kms" => " (SSE-KMS)",
        "aws:kms:dsse" => " (DSSE-KMS)",
        _ => "",
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(buckets) = buckets(account, out) else { return };
    for bucket in buckets {
        let resource = bucket_resource(account, bucket);
        match &bucket.encryption {
            Collected::Unknown(why) => out.error(resource, format!("bucket encryption could not be read: {why}")),
            Collected::Known(None) => out.fail(resource, "no default encryption configured"),
            Collected::Known(Some(enc)) => {
                let key = enc.kms_master_key_id.as_deref().map(|k| format!(" with key {k}")).unwrap_or_default();
                out.pass(resource, format!("default encryption {}{}{key}", enc.sse_algorithm, describe(&enc.sse_algorithm)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::s3::BucketEncryption;
    use crate::s3::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error_per_bucket() {
        let mut kms = bucket("kms");
        kms.encryption = Collected::Known(Some(BucketEncryption {
            sse_algorithm: "aws:kms".into(),
            kms_master_key_id: Some("alias/data".into()),
        }));
        let mut none = bucket("none");
        none.encryption = Collected::Known(None);
        let mut unknown = bucket("unknown");
        unknown.encryption = denied();
        unknown.region = denied();
        let account = account_with_buckets(vec![bucket("sse-s3"), kms, none, unknown], Collected::Known(None));

        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sse-s3"), Status::Pass);
        assert_eq!(status_of(&found, "kms"), Status::Pass);
        assert_eq!(status_of(&found, "none"), Status::Fail);
        assert_eq!(status_of(&found, "unknown"), Status::Error);
        assert_eq!(found[0].message, "default encryption AES256 (SSE-S3)");
        assert_eq!(found[1].message, "default encryption aws:kms (SSE-KMS) with key alias/data");
        assert_eq!(found[0].resource.arn.as_deref(), Some("arn:aws:s3:::sse-s3"));
        assert_eq!(found[0].resource.region.as_deref(), Some("eu-west-1"));
        assert_eq!(found[3].resource.region, None);
    }

    #[test]
    fn error_when_buckets_unknown() {
        let mut account = account();
        account.s3.buckets = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
