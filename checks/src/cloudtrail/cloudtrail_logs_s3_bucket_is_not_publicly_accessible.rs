use super::{trail_bucket, trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::s3::{Bucket, PublicAccessBlock};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The S3 bucket each CloudTrail trail delivers to is not public: no ACL grant to
    /// `AllUsers` or `AuthenticatedUsers` unless Block Public Access ignores public ACLs, and no
    /// public bucket policy (`GetBucketPolicyStatus` `IsPublic`) unless Block Public Access
    /// restricts public buckets (account-level or bucket-level settings). A bucket that is not in
    /// this account's inventory cannot be examined and gives ERROR.
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
        eval: evaluate,
    }
}

const PUBLIC_GROUPS: [&str; 2] =
    ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/// A Kleene boolean: known, or unknown with the reason.
type K = Result<bool, String>;

fn or(a: K, b: K) -> K {
    match (a, b) {
        (Ok(true), _) | (_, Ok(true)) => Ok(true),
        (Err(e), _) | (_, Err(e)) => Err(e),
        _ => Ok(false),
    }
}

fn and_not(block: K, public: K) -> K {
    match (block, public) {
        (Ok(true), _) | (_, Ok(false)) => Ok(false),
        (Err(e), _) | (_, Err(e)) => Err(e),
        _ => Ok(true),
    }
}

fn setting(pab: &Collected<Option<PublicAccessBlock>>, what: &str, get: fn(&PublicAccessBlock) -> bool) -> K {
    match pab {
        Collected::Known(p) => Ok(p.as_ref().is_some_and(get)),
        Collected::Unknown(why) => Err(format!("{what} Block Public Access could not be read: {why}")),
    }
}

/// `Ok(None)` when not public, `Ok(Some(why))` when public.
fn public(account: &AccountInventory, bucket: &Bucket) -> Result<Option<String>, String> {
    let acct = &account.s3.account_public_access_block;
    let own = &bucket.public_access_block;
    let ignore_acls =
        or(setting(acct, "account", |p| p.ignore_public_acls), setting(own, "bucket", |p| p.ignore_public_acls));
    let restrict = or(
        setting(acct, "account", |p| p.restrict_public_buckets),
        setting(own, "bucket", |p| p.restrict_public_buckets),
    );
    let acl_public: K = match &bucket.acl_grants {
        Collected::Known(grants) => {
            Ok(grants.iter().any(|g| g.grantee_uri.as_deref().is_some_and(|u| PUBLIC_GROUPS.contains(&u))))
        }
        Collected::Unknown(why) => Err(format!("bucket ACL could not be read: {why}")),
    };
    let policy_public: K = match &bucket.policy_is_public {
        Collected::Known(p) => Ok(p.unwrap_or(false)),
        Collected::Unknown(why) => Err(format!("bucket policy status could not be read: {why}")),
    };
    let via_acl = and_not(ignore_acls, acl_public);
    let via_policy = and_not(restrict, policy_public);
    match (via_acl, via_policy) {
        (Ok(true), _) => Ok(Some("its ACL grants access to everyone (AllUsers or AuthenticatedUsers)".into())),
        (_, Ok(true)) => Ok(Some("its bucket policy is public".into())),
        (Err(e), _) | (_, Err(e)) => Err(e),
        _ => Ok(None),
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
        match public(account, bucket) {
            Ok(None) => out.pass(trail_resource(trail), format!("bucket {} is not public", bucket.name)),
            Ok(Some(why)) => out.fail(trail_resource(trail), format!("bucket {} is public: {why}", bucket.name)),
            Err(why) => {
                out.error(trail_resource(trail), format!("cannot tell whether bucket {} is public: {why}", bucket.name))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::*;
    use crate::finding::Status;
    use crate::inventory::s3::{Bucket, Grant, PublicAccessBlock};
    use crate::inventory::{AccountInventory, Collected};
    use crate::testing::status_of;

    const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

    fn with_bucket(b: Bucket) -> AccountInventory {
        let mut a = account();
        let mut t = trail("main");
        t.s3_bucket_name = Some(b.name.clone());
        set_trails(&mut a, vec![t]);
        a.s3.buckets = Collected::Known(vec![b]);
        a
    }

    fn public_acl(mut b: Bucket) -> Bucket {
        b.acl_grants = Collected::Known(vec![Grant {
            grantee_uri: Some(ALL_USERS.into()),
            grantee_id: None,
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

    #[test]
    fn pass_when_private_or_blocked() {
        assert_eq!(status(&with_bucket(bucket("logs"))), Status::Pass);
        let mut b = public_acl(bucket("logs"));
        b.public_access_block = Collected::Known(Some(ALL_ON));
        assert_eq!(status(&with_bucket(b)), Status::Pass);
        let mut a = with_bucket(public_acl(bucket("logs")));
        a.s3.account_public_access_block = Collected::Known(Some(ALL_ON));
        // Unreadable details do not matter once the account blocks everything.
        if let Collected::Known(bs) = &mut a.s3.buckets {
            bs[0].policy_is_public = denied();
        }
        assert_eq!(status(&a), Status::Pass);
    }

    #[test]
    fn fail_when_acl_or_policy_is_public() {
        assert_eq!(status(&with_bucket(public_acl(bucket("logs")))), Status::Fail);
        let mut b = bucket("logs");
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
        let mut b = bucket("logs");
        b.acl_grants = denied();
        assert_eq!(status(&with_bucket(b)), Status::Error);
        let mut a = with_bucket(bucket("logs"));
        a.s3.account_public_access_block = denied();
        if let Collected::Known(bs) = &mut a.s3.buckets {
            bs[0].acl_grants = Collected::Known(vec![]);
            bs[0].policy_is_public = Collected::Known(Some(false));
        }
        // Known not public regardless of the account setting.
        assert_eq!(status(&a), Status::Pass);
        let mut a = with_bucket(public_acl(bucket("logs")));
        a.s3.account_public_access_block = denied();
        assert_eq!(status(&a), Status::Error);
        let mut a = with_bucket(bucket("logs"));
        a.s3.buckets = Collected::Known(vec![]);
        assert_eq!(status(&a), Status::Error);
        a.s3.buckets = denied();
        assert_eq!(status(&a), Status::Error);
    }
}
