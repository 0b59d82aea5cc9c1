use super::BPA_FLAGS;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account-level S3 Block Public Access configuration (`s3control
    /// GetPublicAccessBlock`) exists and has all four settings on: `BlockPublicAcls`,
    /// `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`. One finding for the
    /// account; a FAIL names the settings that are off.
    /// ## Why it matters
    /// The account-level settings override every bucket: with them on, no bucket policy or
    /// ACL, existing or future, can make data public, whatever a later deployment does.
    /// Without them each bucket depends on its own configuration being right.
    /// ## Remediation
    /// `aws s3control put-public-access-block --account-id <account> --public-access-block-configuration
    /// BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.
    /// First make sure no bucket must stay public (static websites should move behind
    /// CloudFront with origin access control).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.1.4
    /// - AWS Security Hub, control S3.1
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    pub static CHECK = {
        id: "s3_account_level_public_access_blocks",
        title: "S3 account-level Block Public Access has all four settings on",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::AccountPublicAccessBlock],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let resource = account.resource();
    match &account.s3.account_public_access_block {
        Collected::Unknown(why) => {
            out.error(resource, format!("account-level Block Public Access could not be read: {why}"));
        }
        Collected::Known(None) => out.fail(resource, "no account-level Block Public Access configuration"),
        Collected::Known(Some(bpa)) => {
            let off: Vec<&str> = BPA_FLAGS.iter().filter(|(_, get)| !get(bpa)).map(|(name, _)| *name).collect();
            if off.is_empty() {
                out.pass(resource, "all four account-level Block Public Access settings are on");
            } else {
                out.fail(resource, format!("account-level Block Public Access settings off: {}", off.join(", ")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::s3::PublicAccessBlock;
    use crate::s3::testing::*;
    use crate::testing::*;

    fn status(bpa: Collected<Option<PublicAccessBlock>>) -> (Status, String) {
        let mut account = account();
        account.s3.account_public_access_block = bpa;
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].resource.kind, "AwsAccount");
        (found[0].status, found[0].message.clone())
    }

    #[test]
    fn pass_only_with_all_four() {
        assert_eq!(status(Collected::Known(Some(ALL_ON))).0, Status::Pass);
        let partial = PublicAccessBlock { ignore_public_acls: false, restrict_public_buckets: false, ..ALL_ON };
        assert_eq!(
            status(Collected::Known(Some(partial))),
            (Status::Fail, "account-level Block Public Access settings off: IgnorePublicAcls, RestrictPublicBuckets".into())
        );
        assert_eq!(status(Collected::Known(Some(ALL_OFF))).0, Status::Fail);
        assert_eq!(status(Collected::Known(None)), (Status::Fail, "no account-level Block Public Access configuration".into()));
    }

    #[test]
    fn error_when_unknown() {
        let (s, message) = status(denied());
        assert_eq!(s, Status::Error);
        assert!(message.contains("AccessDenied"));
    }
}
