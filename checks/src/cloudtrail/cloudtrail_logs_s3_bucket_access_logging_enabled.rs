use super::{trail_bucket, trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The S3 bucket each CloudTrail trail delivers to has server access logging enabled
    /// (`GetBucketLogging` returns a target bucket). A bucket that is not in this account's
    /// inventory (often a central logging account's) cannot be examined and gives ERROR.
    /// ## Why it matters
    /// Access logs of the trail bucket record who read, copied or deleted the audit logs
    /// themselves, which CloudTrail management events do not show.
    /// ## Remediation
    /// ```sh
    /// aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status \
    ///   '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"<trail-bucket>/"}}'
    /// ```
    /// Send the access logs to a different bucket than the trail's.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.4
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
    pub static CHECK = {
        id: "cloudtrail_logs_s3_bucket_access_logging_enabled",
        title: "The S3 bucket of each CloudTrail trail has server access logging enabled",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::Trails, Source::Buckets, Source::BucketLogging],
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
        match bucket.logging.as_result() {
            Ok(Some(target)) => out
                .pass(trail_resource(trail), format!("bucket {} logs access to {}", bucket.name, target.target_bucket)),
            Ok(None) => {
                out.fail(trail_resource(trail), format!("bucket {} has server access logging disabled", bucket.name))
            }
            Err(why) => {
                out.error(trail_resource(trail), format!("logging of bucket {} could not be read: {why}", bucket.name))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::s3::LoggingTarget;
    use crate::s3::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error_per_trail() {
        let mut a = cloudtrail_account();
        let mut logged = bare_bucket("logged");
        logged.logging =
            Collected::Known(Some(LoggingTarget { target_bucket: "access-logs".into() }));
        let mut unread = bare_bucket("unread");
        unread.logging = denied();
        a.s3.buckets = Collected::Known(vec![logged, bare_bucket("silent"), unread]);
        let mut trails = Vec::new();
        for (t, b) in
            [("t-logged", "logged"), ("t-silent", "silent"), ("t-unread", "unread"), ("t-elsewhere", "central")]
        {
            let mut tr = trail(t);
            tr.s3_bucket_name = Some(b.into());
            trails.push(tr);
        }
        set_trails(&mut a, trails);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, "t-logged"), Status::Pass);
        assert_eq!(status_of(&found, "t-silent"), Status::Fail);
        assert_eq!(status_of(&found, "t-unread"), Status::Error);
        assert_eq!(status_of(&found, "t-elsewhere"), Status::Error);
        let elsewhere = found.iter().find(|r| r.resource.id == "t-elsewhere").unwrap();
        assert!(elsewhere.message.contains("another account"), "{}", elsewhere.message);
    }

    #[test]
    fn error_when_buckets_unreadable() {
        let mut a = cloudtrail_account();
        a.s3.buckets = denied();
        set_trails(&mut a, vec![trail("main")]);
        assert_eq!(status_of(&run(&CHECK, &a), "main"), Status::Error);
    }
}
