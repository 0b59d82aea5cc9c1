use super::{multi_region_logging_with, s3_object_coverage, some_trail};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Some multi-region, logging CloudTrail trail records S3 object-level read events
    /// (GetObject, …) for every bucket: a basic event selector with a data resource of type
    /// `AWS::S3::Object` and value `arn:aws:s3` (all buckets) and `ReadWriteType` `All` or
    /// `ReadOnly`, or an advanced selector with `eventCategory = Data`,
    /// `resources.type = AWS::S3::Object`, no bucket or event restriction, and a `readOnly`
    /// field, if any, that admits read events.
    /// ## Why it matters
    /// Management events do not show who reads which object. Without object-level read events
    /// there is no record to tell what data an intruder read or copied out.
    /// ## Remediation
    /// ```sh
    /// aws cloudtrail put-event-selectors --trail-name <multi-region-trail> --event-selectors \
    ///   '[{"ReadWriteType":"All","IncludeManagementEvents":true,
    ///      "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'
    /// ```
    /// Object-level events are billed per event; advanced selectors can narrow them once the
    /// benchmark's coverage is no longer the goal.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.9
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html
    pub static CHECK = {
        id: "cloudtrail_s3_dataevents_read_enabled",
        title: "A multi-region trail records S3 object-level read events for all buckets",
        measure: Measure::Monitoring,
        severity: Severity::Low,
        reads: [Source::Trails, Source::TrailStatus, Source::TrailEventSelectors],
        eval: evaluate,
    }
}

const WHAT: &str = "S3 object-level read events for every bucket";

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    some_trail(account, out, WHAT, |t| multi_region_logging_with(t, WHAT, |s| s3_object_coverage(s).read));
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::inventory::AccountInventory;
    use crate::inventory::Collected;
    use crate::inventory::cloudtrail::{AdvancedEventSelector, EventSelector, EventSelectors};
    use crate::testing::*;

    fn with(basic: Vec<EventSelector>, advanced_: Vec<AdvancedEventSelector>) -> AccountInventory {
        let mut a = cloudtrail_account();
        let mut t = trail("main");
        t.selectors = Collected::Known(EventSelectors { basic, advanced: advanced_ });
        set_trails(&mut a, vec![t]);
        a
    }

    #[test]
    fn pass_with_basic_or_advanced_selectors() {
        for rw in ["All", "ReadOnly"] {
            let (status, message) = verdict(&CHECK, &with(vec![basic_data(rw, "arn:aws:s3")], vec![]));
            assert_eq!(status, Status::Pass, "{rw}: {message}");
        }
        let adv = advanced(vec![fs("eventCategory", &["Data"]), fs("resources.type", &["AWS::S3::Object"])]);
        assert_eq!(verdict(&CHECK, &with(vec![], vec![adv])).0, Status::Pass);
        let adv = advanced(vec![
            fs("eventCategory", &["Data"]),
            fs("resources.type", &["AWS::S3::Object"]),
            fs("readOnly", &["true"]),
        ]);
        assert_eq!(verdict(&CHECK, &with(vec![], vec![adv])).0, Status::Pass);
    }

    #[test]
    fn fail_for_the_other_direction_one_bucket_or_a_single_region_trail() {
        let (status, message) = verdict(&CHECK, &with(vec![basic_data("WriteOnly", "arn:aws:s3")], vec![]));
        assert_eq!(status, Status::Fail);
        assert!(message.contains("does not record S3 object-level read events"), "{message}");
        assert_eq!(verdict(&CHECK, &with(vec![basic_data("All", "arn:aws:s3:::one-bucket/")], vec![])).0, Status::Fail);
        assert_eq!(verdict(&CHECK, &with(vec![basic_management("All")], vec![])).0, Status::Fail);
        let mut a = with(vec![basic_data("All", "arn:aws:s3")], vec![]);
        if let Collected::Known(trails) = &mut a.cloudtrail.trails {
            trails[0].is_multi_region_trail = false;
        }
        assert_eq!(verdict(&CHECK, &a).0, Status::Fail);
        assert_eq!(verdict(&CHECK, &cloudtrail_account()).0, Status::Fail);
    }

    #[test]
    fn error_when_selectors_or_trails_unreadable() {
        let mut a = cloudtrail_account();
        let mut t = trail("main");
        t.selectors = denied();
        set_trails(&mut a, vec![t]);
        assert_eq!(verdict(&CHECK, &a).0, Status::Error);
        a.cloudtrail.trails = denied();
        assert_eq!(verdict(&CHECK, &a).0, Status::Error);
    }
}
