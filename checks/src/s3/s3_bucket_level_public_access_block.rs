use super::{BPA_FLAGS, Flag, bucket_resource, buckets, effective_flag};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// For every S3 bucket, all four Block Public Access settings (`BlockPublicAcls`,
    /// `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`) are in effect, each
    /// turned on by the bucket's own configuration (`GetPublicAccessBlock`) or by the
    /// account-level one, as CIS 2.1.4 accepts either. A FAIL names the settings that are
    /// off at both levels; the PASS message says where each came from. A setting that is
    /// off on the bucket while the account-level configuration cannot be read is an ERROR.
    /// ## Why it matters
    /// Block Public Access is the guard rail that keeps a mistaken ACL or bucket policy from
    /// publishing the bucket. A bucket without it relies on every future policy change being
    /// reviewed correctly.
    /// ## Remediation
    /// `aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration
    /// BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    /// or turn the settings on for the whole account (`s3_account_level_public_access_blocks`).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.1.4
    /// - AWS Security Hub, control S3.8
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html
    pub static CHECK = {
        id: "s3_bucket_level_public_access_block",
        title: "S3 buckets have all Block Public Access settings in effect",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::Buckets, Source::BucketPublicAccessBlock, Source::AccountPublicAccessBlock],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(buckets) = buckets(account, out) else { return };
    for bucket in buckets {
        let resource = bucket_resource(account, bucket);
        let flags: Vec<(&str, Flag)> = BPA_FLAGS.iter().map(|(name, get)| (*name, effective_flag(account, bucket, *get))).collect();
        let off: Vec<&str> = flags.iter().filter(|(_, f)| *f == Flag::Off).map(|(n, _)| *n).collect();
        let unknown: Vec<String> = flags
            .iter()
            .filter_map(|(n, f)| match f {
                Flag::Unknown(why) => Some(format!("{n}: {why}")),
                _ => None,
            })
            .collect();
        if !off.is_empty() {
            out.fail(resource, format!("Block Public Access settings off at bucket and account level: {}", off.join(", ")));
        } else if !unknown.is_empty() {
            out.error(resource, unknown.join("; "));
        } else {
            let sources: Vec<&str> = flags.iter().filter_map(|(_, f)| if let Flag::On(w) = f { Some(*w) } else { None }).collect();
            let mut levels = sources.clone();
            levels.sort_unstable();
            levels.dedup();
            let from = if levels.len() == 1 { levels[0].to_string() } else { "account or bucket".to_string() };
            out.pass(resource, format!("all four Block Public Access settings in effect (set at {from} level)"));
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

    #[test]
    fn bucket_or_account_level_settings_count() {
        let mut none = bucket("none");
        none.public_access_block = Collected::Known(None);
        let mut partial = bucket("partial");
        partial.public_access_block = Collected::Known(Some(PublicAccessBlock { block_public_policy: false, ..ALL_ON }));
        let mut unknown = bucket("unknown");
        unknown.public_access_block = denied();

        // No account-level configuration: the bucket's own settings decide.
        let account = account_with_buckets(
            vec![bucket("on"), none.clone(), partial.clone(), unknown.clone()],
            Collected::Known(None),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "on"), Status::Pass);
        assert_eq!(status_of(&found, "none"), Status::Fail);
        assert_eq!(status_of(&found, "partial"), Status::Fail);
        assert_eq!(status_of(&found, "unknown"), Status::Error);
        assert_eq!(found[0].message, "all four Block Public Access settings in effect (set at bucket level)");
        assert_eq!(found[2].message, "Block Public Access settings off at bucket and account level: BlockPublicPolicy");

        // Account level on: every bucket is covered, even one whose settings are unknown.
        let account = account_with_buckets(vec![none, partial.clone(), unknown], Collected::Known(Some(ALL_ON)));
        let found = run(&CHECK, &account);
        assert!(found.iter().all(|f| f.status == Status::Pass), "{found:#?}");
        assert_eq!(found[0].message, "all four Block Public Access settings in effect (set at account level)");
        assert_eq!(found[1].message, "all four Block Public Access settings in effect (set at account or bucket level)");

        // Account level unknown: a bucket with all four on passes, one missing a setting is undecided.
        let account = account_with_buckets(vec![bucket("on"), partial], denied());
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "on"), Status::Pass);
        assert_eq!(status_of(&found, "partial"), Status::Error);
    }

    #[test]
    fn error_when_buckets_unknown() {
        let mut account = account();
        account.s3.buckets = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
