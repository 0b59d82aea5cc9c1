use super::{trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every CloudTrail trail has log file integrity validation enabled
    /// (`DescribeTrails` `LogFileValidationEnabled`).
    /// ## Why it matters
    /// With validation on, CloudTrail writes signed digest files; `validate-logs` then proves that
    /// no log file was changed or deleted after delivery. Without it, a log that an intruder edited
    /// looks like any other.
    /// ## Remediation
    /// `aws cloudtrail update-trail --name <trail> --enable-log-file-validation`, then check with
    /// `aws cloudtrail validate-logs --trail-arn <arn> --start-time <time>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.2
    /// - AWS Foundational Security Best Practices, control CloudTrail.4
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
    pub static CHECK = {
        id: "cloudtrail_log_file_validation_enabled",
        title: "CloudTrail trails have log file validation enabled",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::Trails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(trails) = trails(account, out) else { return };
    for trail in trails {
        if trail.log_file_validation_enabled {
            out.pass(trail_resource(trail), "log file validation enabled");
        } else {
            out.fail(trail_resource(trail), "log file validation disabled");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudtrail::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn per_trail() {
        let mut a = cloudtrail_account();
        let mut off = trail("off");
        off.log_file_validation_enabled = false;
        set_trails(&mut a, vec![trail("on"), off]);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, "on"), Status::Pass);
        assert_eq!(status_of(&found, "off"), Status::Fail);
        assert_eq!(found[0].resource.kind, "AwsCloudTrailTrail");
    }

    #[test]
    fn error_when_trails_unreadable() {
        let mut a = cloudtrail_account();
        a.cloudtrail.trails = denied();
        assert_eq!(status_of(&run(&CHECK, &a), ACCOUNT), Status::Error);
    }
}
