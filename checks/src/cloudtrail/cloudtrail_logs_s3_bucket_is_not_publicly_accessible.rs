use super::{trail_bucket, trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};
use crate::s3::publicity::{Publicity, bucket_publicity};

declare_check! {
    /// ## What it checks
    /// The S3 bucket each CloudTrail trail delivers to is not public, judged exactly as
    /// `s3_bucket_public_access` judges buckets (one shared judgement, so the two checks never
    /// disagree on the same bucket): no ACL grant to `AllUsers` or `AuthenticatedUsers` unless
    /// Block Public Access ignores public ACLs, and no public bucket policy unless Block Public
    /// Access restricts public buckets (account-level or bucket-level settings). The policy is
    /// public when its text has an `Allow` to everyone without a restricting condition (see
    /// `crate::policy::analysis`) or when `GetBucketPolicyStatus` reports `IsPublic`. Data
    /// that cannot be read, or a policy that cannot be parsed, gives ERROR unless another path
    /// already makes the bucket public or Block Public Access neutralises that path. A bucket
    /// that is not in this account's inventory cannot be examined and gives ERROR.
    /// ## Why it matters
    /// The trail bucket holds the full record of the account's activity: account ids, user
    /// names, IP addresses, resource names. Public, it hands an attacker a map, and lets anyone
    /// read what defenders will rely on during an incident.
    /// ## Remediation
    /// ```sh
    /// aws s3api put-public-access-block --bucket <trail-bucket> --public-access-block-configuration \
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
    /// ```
    /// Then remove `AllUsers`/`AuthenticatedUsers` grants and public statements from the policy.
    /// ## References
    /// - AWS Security Hub control CloudTrail.6 (CIS AWS Foundations v1.2/v1.4)
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    pub static CHECK = {
        id: "cloudtrail_logs_s3_bucket_is_not_publicly_accessible",
        title: "The S3 bucket of each CloudTrail trail is not publicly accessible",
        measure: Measure::Monitoring,
        severity: Severity::Critical,
        reads: [
            Source::Trails,
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
    let Some(trails) = trails(account, out) else { return };
    for trail in trails {
        let bucket = match trail_bucket(account, trail) {
            Ok(b) => b,
            Err(why) => {
                out.error(trail_resource(trail), why);
                continue;
            }
        };
        let name = &bucket.name;
        match bucket_publicity(account, bucket) {
            Publicity::NotPublic(why) => out.pass(trail_resource(trail), format!("bucket {name} is not public: {why}")),
            Publicity::Public(why) => out.fail(trail_resource(trail), format!("bucket {name} is public: {why}")),
            Publicity::Unknown(why) => {
                out.error(trail_resource(trail), format!("cannot tell whether bucket {name} is public: {why}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::inventory::s3::{Bucket, Grant, PublicAccessBlock};
    use crate::inventory::{AccountInventory, Collected};
    use crate::s3::testing::*;
    use crate::testing::*;

    const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

    fn with_bucket(b: Bucket) -> AccountInventory {
        let mut a = cloudtrail_account();
        let mut t = trail("main");
        t.s3_bucket_name = Some(b.name.clone());
        set_trails(&mut a, vec![t]);
        a.s3.buckets = Collected::Known(vec![b]);
        a
    }

    fn public_acl(mut b: Bucket) -> Bucket {
        b.acl_grants = Collected::Known(vec![Grant {
            grantee_uri: Some(ALL_USERS.into()),
            permission: "READ".into(),
        }]);
        b
    }

    fn status(a: &AccountInventory) -> Status {
        status_of(&run(&CHECK, a), "main")
    }

    const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    const ALL_OFF: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: false,
        ignore_public_acls: false,
        block_public_policy: false,
        restrict_public_buckets: false,
    };

    #[test]
    fn pass_when_private_or_blocked() {
        assert_eq!(status(&with_bucket(bare_bucket("logs"))), Status::Pass);
        let mut b = public_acl(bare_bucket("logs"));
        b.public_access_block = Collected::Known(Some(ALL_ON));
        assert_eq!(status(&with_bucket(b)), Status::Pass);
        let mut a = with_bucket(public_acl(bare_bucket("logs")));
        a.s3.account_public_access_block = Collected::Known(Some(ALL_ON));
        // Unreadable details do not matter once the account blocks everything.
        if let Collected::Known(bs) = &mut a.s3.buckets {
            bs[0].policy_is_public = denied();
        }
        assert_eq!(status(&a), Status::Pass);
    }

    #[test]
    fn fail_when_acl_or_policy_is_public() {
        assert_eq!(status(&with_bucket(public_acl(bare_bucket("logs")))), Status::Fail);
        let mut b = bare_bucket("logs");
        b.policy_is_public = Collected::Known(Some(true));
        assert_eq!(status(&with_bucket(b.clone())), Status::Fail);
        // Ignoring public ACLs does not neutralise a public policy.
        b.public_access_block = Collected::Known(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: false,
            restrict_public_buckets: false,
        }));
        assert_eq!(status(&with_bucket(b)), Status::Fail);
    }

    #[test]
    fn error_when_unreadable_or_elsewhere() {
        let mut b = bare_bucket("logs");
        b.acl_grants = denied();
        assert_eq!(status(&with_bucket(b)), Status::Error);
        let mut a = with_bucket(bare_bucket("logs"));
        a.s3.account_public_access_block = denied();
        if let Collected::Known(bs) = &mut a.s3.buckets {
            bs[0].acl_grants = Collected::Known(vec![]);
            bs[0].policy_is_public = Collected::Known(Some(false));
        }
        // Known not public regardless of the account setting.
        assert_eq!(status(&a), Status::Pass);
        let mut a = with_bucket(public_acl(bare_bucket("logs")));
        a.s3.account_public_access_block = denied();
        assert_eq!(status(&a), Status::Error);
        let mut a = with_bucket(bare_bucket("logs"));
        a.s3.buckets = Collected::Known(vec![]);
        assert_eq!(status(&a), Status::Error);
        a.s3.buckets = denied();
        assert_eq!(status(&a), Status::Error);
    }

    const PUBLIC_POLICY: &str = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::logs/*"}]}"#;
    const PRIVATE_POLICY: &str = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}]}"#;

    #[test]
    fn public_policy_text_fails_even_when_the_status_says_not_public() {
        let mut b = bare_bucket("logs");
        b.policy = Collected::Known(Some(PUBLIC_POLICY.into()));
        b.policy_is_public = Collected::Known(Some(false));
        assert_eq!(status(&with_bucket(b)), Status::Fail);
    }

    /// Every combination of policy text, policy status, ACL and Block Public Access gets
    /// the same verdict from this check and from `s3_bucket_public_access`.
    #[test]
    fn agrees_with_s3_bucket_public_access_on_the_same_bucket() {
        let s3_check = crate::s3::CHECKS.iter().find(|c| c.id == "s3_bucket_public_access").expect("registered");
        let policies: Vec<Collected<Option<String>>> = vec![
            Collected::Known(None),
            Collected::Known(Some(PUBLIC_POLICY.into())),
            Collected::Known(Some(PRIVATE_POLICY.into())),
            Collected::Known(Some(r#"{"Statement": "nope"}"#.into())),
            denied(),
        ];
        let statuses: Vec<Collected<Option<bool>>> =
            vec![Collected::Known(None), Collected::Known(Some(true)), Collected::Known(Some(false)), denied()];
        let acls = [Some(false), Some(true), None];
        let blocks: Vec<Collected<Option<PublicAccessBlock>>> = vec![
            Collected::Known(None),
            Collected::Known(Some(ALL_ON)),
            Collected::Known(Some(PublicAccessBlock { ignore_public_acls: true, ..ALL_OFF })),
            Collected::Known(Some(PublicAccessBlock { restrict_public_buckets: true, ..ALL_OFF })),
            denied(),
        ];
        let mut compared = 0;
        for policy in &policies {
            for policy_status in &statuses {
                for acl in acls {
                    for block in &blocks {
                        let mut b = bare_bucket("logs");
                        b.policy = policy.clone();
                        b.policy_is_public = policy_status.clone();
                        b.public_access_block = block.clone();
                        b = match acl {
                            Some(true) => public_acl(b),
                            Some(false) => b,
                            None => Bucket { acl_grants: denied(), ..b },
                        };
                        let a = with_bucket(b.clone());
                        let trail = status(&a);
                        let s3 = status_of(&run(s3_check, &a), "logs");
                        assert_eq!(trail, s3, "{b:#?}");
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 5 * 4 * 3 * 5);
    }
}
