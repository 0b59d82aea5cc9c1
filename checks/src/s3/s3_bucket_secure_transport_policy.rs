use super::{bucket_arn, bucket_resource, buckets};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::policy::{self, TransportVerdict};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every S3 bucket's policy denies requests that do not use TLS, for the bucket and all
    /// its objects. Precisely (see `crate::policy::analysis`): `Deny` statements for every
    /// principal (`"*"` or `{"AWS": "*"}`) on every S3 action (`s3:*` or `*`), whose
    /// resources cover `arn:aws:s3:::<bucket>` and `arn:aws:s3:::<bucket>/*`, with condition
    /// `Bool` (or `BoolIfExists`) `aws:SecureTransport` = `false` (string or boolean), or
    /// `NumericLessThanIfExists` on `s3:TlsVersion`. Not enough: a deny limited to
    /// `s3:GetObject`/`s3:PutObject` (the other actions stay open over HTTP), a plain
    /// `NumericLessThan` on `s3:TlsVersion` (false when there is no TLS at all), or extra
    /// conditions that narrow the deny. No policy is a FAIL; a policy that cannot be read
    /// or parsed is an ERROR with the parser's message.
    /// ## Why it matters
    /// S3 answers plain HTTP as well as HTTPS. Without the deny, a misconfigured client or
    /// SDK can send credentials-signed requests and data in clear over the network, open to
    /// interception and tampering.
    /// ## Remediation
    /// Add this statement to the bucket policy (`aws s3api put-bucket-policy`):
    /// `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
    /// "Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],
    /// "Condition":{"Bool":{"aws:SecureTransport":"false"}}}`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.1.1
    /// - AWS Security Hub, control S3.5
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
    pub static CHECK = {
        id: "s3_bucket_secure_transport_policy",
        title: "S3 bucket policies deny requests without TLS",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::Buckets, Source::BucketPolicy],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(buckets) = buckets(account, out) else { return };
    for bucket in buckets {
        let resource = bucket_resource(account, bucket);
        let text = match &bucket.policy {
            Collected::Unknown(why) => {
                out.error(resource, format!("bucket policy could not be read: {why}"));
                continue;
            }
            Collected::Known(None) => {
                out.fail(resource, "no bucket policy: requests over plain HTTP are allowed");
                continue;
            }
            Collected::Known(Some(text)) => text,
        };
        match policy::parse(text) {
            Err(e) => out.error(resource, format!("bucket policy: {e}")),
            Ok(doc) => match doc.insecure_transport_denial(&bucket_arn(account, &bucket.name)) {
                TransportVerdict::Enforced(how) => out.pass(resource, format!("requests without TLS are {how}")),
                TransportVerdict::NotEnforced(why) => out.fail(resource, why),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::s3::testing::*;
    use crate::testing::*;

    fn with_policy(name: &str, policy: &str) -> crate::inventory::s3::Bucket {
        let mut b = bucket(name);
        b.policy = Collected::Known(Some(policy.replace("BUCKET", name)));
        b
    }

    const TLS_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
    const GET_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKET/*", "Condition": {"Bool": {"aws:SecureTransport": false}}}}"#;

    #[test]
    fn pass_fail_error_per_bucket() {
        let mut unreadable = bucket("unreadable");
        unreadable.policy = denied();
        let account = account_with_buckets(
            vec![
                with_policy("tls-only", TLS_ONLY),
                with_policy("get-only", GET_ONLY),
                bucket("no-policy"),
                with_policy("broken", r#"{"Statement": [{"Effect": "Deny", "Principal": 7}]}"#),
                unreadable,
                // The statement names another bucket.
                with_policy("other", &TLS_ONLY.replace("BUCKET", "elsewhere")),
            ],
            Collected::Known(None),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "tls-only"), Status::Pass);
        assert_eq!(status_of(&found, "get-only"), Status::Fail);
        assert_eq!(status_of(&found, "no-policy"), Status::Fail);
        assert_eq!(status_of(&found, "broken"), Status::Error);
        assert_eq!(status_of(&found, "unreadable"), Status::Error);
        assert_eq!(status_of(&found, "other"), Status::Fail);
        assert_eq!(found[0].message, "requests without TLS are denied by statement 1 (Sid \"DenyInsecureTransport\")");
        assert!(found[1].message.contains("does not deny every S3 action"), "{}", found[1].message);
        assert!(found[3].message.starts_with("bucket policy: malformed policy document: invalid type: integer `7`"), "{}", found[3].message);
    }

    #[test]
    fn error_when_buckets_unknown() {
        let mut account = account();
        account.s3.buckets = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
