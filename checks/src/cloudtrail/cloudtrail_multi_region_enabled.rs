use super::{records_all_management_events, some_trail};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The account has at least one CloudTrail trail that is multi-region, is logging
    /// (`GetTrailStatus` `IsLogging`), and records every read and write management event: a basic
    /// event selector with `ReadWriteType` `All` and `IncludeManagementEvents` true excluding no
    /// event source, or advanced selectors with `eventCategory = Management` and no `readOnly`
    /// or event-source restriction. An organization trail counts.
    /// ## Why it matters
    /// CloudTrail is the record of who did what. A trail limited to one region misses activity in
    /// the others (where an intruder would go), a stopped trail records nothing, and a trail that
    /// drops read or write events leaves holes an investigation falls into.
    /// ## Remediation
    /// ```sh
    /// aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail
    /// aws cloudtrail put-event-selectors --trail-name <trail> \
    ///   --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'
    /// aws cloudtrail start-logging --name <trail>
    /// ```
    /// Or `aws cloudtrail update-trail --name <trail> --is-multi-region-trail` for an existing trail.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.1
    /// - AWS Foundational Security Best Practices, control CloudTrail.1
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
    pub static CHECK = {
        id: "cloudtrail_multi_region_enabled",
        title: "A multi-region CloudTrail trail is logging all management events",
        measure: Measure::Monitoring,
        severity: Severity::High,
        reads: [Source::Trails, Source::TrailStatus, Source::TrailEventSelectors],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    some_trail(account, out, "all read and write management events in every region", records_all_management_events);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::cloudtrail::{EventSelectors, TrailStatus};
    use crate::testing::*;

    #[test]
    fn pass_when_one_trail_qualifies() {
        let mut a = cloudtrail_account();
        let mut single = trail("regional");
        single.is_multi_region_trail = false;
        set_trails(&mut a, vec![single, trail("main")]);
        let (status, message) = verdict(&CHECK, &a);
        assert_eq!(status, Status::Pass, "{message}");
        assert!(message.contains("trail main (eu-west-1)"), "{message}");
    }

    #[test]
    fn fail_lists_each_trail_reason() {
        let mut a = cloudtrail_account();
        assert_eq!(verdict(&CHECK, &a).0, Status::Fail);
        let mut single = trail("regional");
        single.is_multi_region_trail = false;
        let mut stopped = trail("stopped");
        stopped.status = Collected::Known(TrailStatus { is_logging: false });
        let mut write_only = trail("writes");
        write_only.selectors =
            Collected::Known(EventSelectors { basic: vec![basic_management("WriteOnly")], advanced: vec![] });
        set_trails(&mut a, vec![single, stopped, write_only]);
        let (status, message) = verdict(&CHECK, &a);
        assert_eq!(status, Status::Fail);
        for needle in ["regional is single-region", "stopped is not logging", "writes does not record"] {
            assert!(message.contains(needle), "{message}");
        }
    }

    #[test]
    fn error_when_a_trail_that_might_qualify_is_unreadable() {
        let mut a = cloudtrail_account();
        a.cloudtrail.trails = denied();
        assert_eq!(verdict(&CHECK, &a).0, Status::Error);
        let mut t = trail("main");
        t.selectors = denied();
        set_trails(&mut a, vec![t]);
        let (status, message) = verdict(&CHECK, &a);
        assert_eq!(status, Status::Error);
        assert!(message.contains("AccessDenied"), "{message}");
        // A known "no" on the same trail decides even with the selectors unreadable.
        let mut t = trail("main");
        t.selectors = denied();
        t.status = Collected::Known(TrailStatus { is_logging: false });
        set_trails(&mut a, vec![t]);
        assert_eq!(verdict(&CHECK, &a).0, Status::Fail);
    }
}
