use super::publicity::{Publicity, bucket_publicity};
use super::{bucket_resource, buckets};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No S3 bucket is readable or writable by the public, through its policy or its ACL,
    /// once Block Public Access has been applied:
    ///
    /// - **Policy**: public when Rampart's policy parser finds an `Allow` to `"*"` /
    ///   `{"AWS": "*"}` (or a `NotPrincipal`) without a restricting condition
    ///   (`aws:SourceAccount`, `aws:SourceVpce`, `aws:PrincipalOrgID`, … with specific
    ///   values; `aws:SourceIp` ranges only when together they leave part of the public
    ///   internet out, so `0.0.0.0/1` + `128.0.0.0/1` is everyone; see
    ///   `crate::policy::analysis`), **or** when `GetBucketPolicyStatus` reports
    ///   `IsPublic` (some emulators never do, so the parser is always consulted). A public
    ///   policy is neutralised by `RestrictPublicBuckets` (account or bucket level), which
    ///   limits it to AWS services and the bucket owner's account.
    /// - **ACL**: public when a grant goes to the `AllUsers` or `AuthenticatedUsers` group
    ///   (the latter is any AWS account). Neutralised by `IgnorePublicAcls`.
    ///
    /// `BlockPublicAcls` and `BlockPublicPolicy` only refuse *new* public ACLs and policies;
    /// they do not neutralise existing ones and are not credited here. A policy that cannot
    /// be parsed, and data that cannot be read, give an ERROR unless another path already
    /// makes the bucket public (FAIL). The same judgement decides
    /// `cloudtrail_logs_s3_bucket_is_not_publicly_accessible` for trail buckets. The measure
    /// is `access`: this is about who can reach the data, not how it is stored.
    /// ## Why it matters
    /// A public bucket is the most common cause of large cloud data leaks: anyone who finds
    /// the name can list and download (or overwrite) its contents, and scanners enumerate
    /// bucket names continuously.
    /// ## Remediation
    /// Turn on Block Public Access (`aws s3api put-public-access-block --bucket <bucket>
    /// --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    /// or account-wide with `aws s3control put-public-access-block`), remove public grants
    /// (`aws s3api put-bucket-acl --bucket <bucket> --acl private`) and public statements
    /// from the bucket policy. Serve public content through CloudFront with origin access
    /// control instead.
    /// ## References
    /// - AWS Security Hub, controls S3.2 and S3.3
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
    pub static CHECK = {
        id: "s3_bucket_public_access",
        title: "S3 buckets are not publicly accessible",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [
            Source::Buckets,
            Source::BucketPublicAccessBlock,
            Source::AccountPublicAccessBlock,
            Source::BucketPolicy,
            Source::BucketPolicyStatus,
            Source::BucketAcl,
        ],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(buckets) = buckets(account, out) else { return };
    for bucket in buckets {
        let resource = bucket_resource(account, bucket);
        match bucket_publicity(account, bucket) {
            Publicity::Public(why) => out.fail(resource, format!("public: {why}")),
            Publicity::Unknown(why) => out.error(resource, why),
            Publicity::NotPublic(why) => out.pass(resource, format!("not public: {why}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::s3::{Bucket, Grant, PublicAccessBlock};
    use crate::s3::testing::*;
    use crate::testing::*;

    const PUBLIC_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow",
        "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
    const VPCE_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#;
    const OPEN_CONDITION_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"aws:SourceAccount": "*"}}}]}"#;
    const OWN_ACCOUNT_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:*", "Resource": "*"}]}"#;

    const NO_BPA: PublicAccessBlock = ALL_OFF;

    /// A bucket with no Block Public Access of its own.
    fn open(name: &str) -> Bucket {
        let mut b = bucket(name);
        b.public_access_block = Collected::Known(None);
        b
    }

    fn with_policy(name: &str, policy: &str, is_public: Option<bool>) -> Bucket {
        let mut b = open(name);
        b.policy = Collected::Known(Some(policy.to_string()));
        b.policy_is_public = Collected::Known(is_public);
        b
    }

    fn with_grant(name: &str, group: &str, permission: &str) -> Bucket {
        let mut b = open(name);
        b.acl_grants = Collected::Known(vec![
            Grant { grantee_uri: None, permission: "FULL_CONTROL".into() },
            Grant {
                grantee_uri: Some(format!("http://acs.amazonaws.com/groups/global/{group}")),
                permission: permission.into(),
            },
        ]);
        b
    }

    #[test]
    fn public_policy_and_acl_fail_without_block_public_access() {
        let account = account_with_buckets(
            vec![
                open("private"),
                with_policy("public-policy", PUBLIC_POLICY, Some(true)),
                // Emulators may answer IsPublic=false: the parser still sees it.
                with_policy("parser-only", PUBLIC_POLICY, Some(false)),
                // Or AWS knows better than the parser.
                with_policy("aws-only", OWN_ACCOUNT_POLICY, Some(true)),
                with_policy("vpce", VPCE_POLICY, Some(false)),
                with_policy("wildcard-condition", OPEN_CONDITION_POLICY, None),
                with_policy("own-account", OWN_ACCOUNT_POLICY, Some(false)),
                with_grant("all-users", "AllUsers", "READ"),
                with_grant("authenticated", "AuthenticatedUsers", "WRITE"),
                with_grant("log-delivery", "s3/LogDelivery", "WRITE"),
            ],
            Collected::Known(Some(NO_BPA)),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "private"), Status::Pass);
        assert_eq!(status_of(&found, "public-policy"), Status::Fail);
        assert_eq!(status_of(&found, "parser-only"), Status::Fail);
        assert_eq!(status_of(&found, "aws-only"), Status::Fail);
        assert_eq!(status_of(&found, "vpce"), Status::Pass);
        assert_eq!(status_of(&found, "wildcard-condition"), Status::Fail);
        assert_eq!(status_of(&found, "own-account"), Status::Pass);
        assert_eq!(status_of(&found, "all-users"), Status::Fail);
        assert_eq!(status_of(&found, "authenticated"), Status::Fail);
        assert_eq!(status_of(&found, "log-delivery"), Status::Pass);
        assert_eq!(found[0].message, "not public: policy not public; no public ACL grant");
        assert_eq!(found[1].message, "public: policy statement 1 (Sid \"PublicRead\") allows everyone");
        assert_eq!(found[3].message, "public: GetBucketPolicyStatus reports IsPublic");
        assert_eq!(found[7].message, "public: ACL grants AllUsers:READ");
    }

    #[test]
    fn ignore_public_acls_neutralises_acls_only() {
        let ignore_acls = PublicAccessBlock { ignore_public_acls: true, ..ALL_OFF };
        let mut both = with_grant("both", "AllUsers", "READ");
        both.policy = Collected::Known(Some(PUBLIC_POLICY.into()));
        let account = account_with_buckets(
            vec![with_grant("acl", "AllUsers", "READ"), with_policy("policy", PUBLIC_POLICY, Some(true)), both],
            Collected::Known(Some(ignore_acls)),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "acl"), Status::Pass);
        assert_eq!(status_of(&found, "policy"), Status::Fail);
        assert_eq!(status_of(&found, "both"), Status::Fail);
        assert_eq!(
            found[0].message,
            "not public: policy not public; public ACL grant(s) AllUsers:READ neutralised by IgnorePublicAcls (account)"
        );
        assert_eq!(found[2].message, "public: policy statement 1 (Sid \"PublicRead\") allows everyone");
    }

    #[test]
    fn restrict_public_buckets_neutralises_policies_only() {
        let restrict = PublicAccessBlock { restrict_public_buckets: true, ..ALL_OFF };
        let mut acl = with_grant("acl", "AllUsers", "READ");
        acl.public_access_block = Collected::Known(Some(restrict));
        let mut policy = with_policy("policy", PUBLIC_POLICY, Some(true));
        policy.public_access_block = Collected::Known(Some(restrict));
        // BlockPublicAcls / BlockPublicPolicy do not neutralise what already exists.
        let mut blocked_only = with_grant("blocked-only", "AllUsers", "READ");
        blocked_only.policy = Collected::Known(Some(PUBLIC_POLICY.into()));
        blocked_only.public_access_block =
            Collected::Known(Some(PublicAccessBlock { block_public_acls: true, block_public_policy: true, ..ALL_OFF }));
        let account = account_with_buckets(vec![acl, policy, blocked_only], Collected::Known(None));
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "acl"), Status::Fail);
        assert_eq!(status_of(&found, "policy"), Status::Pass);
        assert_eq!(status_of(&found, "blocked-only"), Status::Fail);
        assert_eq!(
            found[1].message,
            "not public: policy statement 1 (Sid \"PublicRead\") allows everyone, neutralised by RestrictPublicBuckets (bucket); no public ACL grant"
        );
    }

    #[test]
    fn all_on_neutralises_everything() {
        let mut both = with_grant("both", "AllUsers", "FULL_CONTROL");
        both.policy = Collected::Known(Some(PUBLIC_POLICY.into()));
        both.public_access_block = Collected::Known(Some(ALL_ON));
        let account = account_with_buckets(vec![both], Collected::Known(None));
        assert_eq!(status_of(&run(&CHECK, &account), "both"), Status::Pass);
    }

    #[test]
    fn unknown_data_is_an_error_unless_decided_elsewhere() {
        let mut policy_unknown = open("policy-unknown");
        policy_unknown.policy = denied();
        policy_unknown.policy_is_public = denied();
        let mut policy_unknown_status_known = open("status-known");
        policy_unknown_status_known.policy = denied();
        policy_unknown_status_known.policy_is_public = Collected::Known(Some(false));
        let mut acl_unknown = open("acl-unknown");
        acl_unknown.acl_grants = denied();
        let mut broken = with_policy("broken", r#"{"Statement": "nope"}"#, None);
        broken.acl_grants = Collected::Known(Vec::new());
        let broken_but_aws_public = with_policy("broken-public", r#"{"Statement": "nope"}"#, Some(true));
        let mut unknown_but_acl_public = with_grant("unknown-acl-public", "AllUsers", "READ");
        unknown_but_acl_public.policy = denied();
        unknown_but_acl_public.policy_is_public = denied();
        let mut bpa_unknown = with_grant("bpa-unknown", "AllUsers", "READ");
        bpa_unknown.public_access_block = denied();
        let account = account_with_buckets(
            vec![
                policy_unknown,
                policy_unknown_status_known,
                acl_unknown,
                broken,
                broken_but_aws_public,
                unknown_but_acl_public,
                bpa_unknown,
            ],
            Collected::Known(None),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "policy-unknown"), Status::Error);
        assert_eq!(status_of(&found, "status-known"), Status::Pass);
        assert_eq!(status_of(&found, "acl-unknown"), Status::Error);
        assert_eq!(status_of(&found, "broken"), Status::Error);
        assert_eq!(status_of(&found, "broken-public"), Status::Fail);
        assert_eq!(status_of(&found, "unknown-acl-public"), Status::Fail);
        assert_eq!(status_of(&found, "bpa-unknown"), Status::Error);
        assert!(found[3].message.starts_with("bucket policy: malformed policy document"), "{}", found[3].message);

        // Unreadable pieces do not matter when Block Public Access neutralises both paths.
        let mut all_unknown = open("all-unknown");
        all_unknown.policy = denied();
        all_unknown.policy_is_public = denied();
        all_unknown.acl_grants = denied();
        let account = account_with_buckets(vec![all_unknown], Collected::Known(Some(ALL_ON)));
        assert_eq!(status_of(&run(&CHECK, &account), "all-unknown"), Status::Pass);
    }

    #[test]
    fn error_when_buckets_unknown() {
        let mut account = account();
        account.s3.buckets = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
