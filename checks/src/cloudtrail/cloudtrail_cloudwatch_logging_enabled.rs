use super::{trail_resource, trails};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every CloudTrail trail also delivers its events to a CloudWatch Logs log group
    /// (`DescribeTrails` `CloudWatchLogsLogGroupArn` set). Whether delivery is recent is not
    /// checked.
    /// ## Why it matters
    /// Events in S3 are an archive; events in CloudWatch Logs can drive metric filters and alarms
    /// in near real time. Every CIS monitoring control (section 4) depends on this delivery.
    /// ## Remediation
    /// Create a log group and a role CloudTrail can assume to write to it, then
    /// `aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log-group-arn>
    /// --cloud-watch-logs-role-arn <role-arn>`.
    /// ## References
    /// - AWS Foundational Security Best Practices, control CloudTrail.5
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudtrail_cloudwatch_logging_enabled",
        title: "CloudTrail trails deliver to CloudWatch Logs",
        measure: Measure::Monitoring,
        severity: Severity::Low,
        reads: [Source::Trails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(trails) = trails(account, out) else { return };
    for trail in trails {
        match trail.cloud_watch_logs_log_group_arn.as_deref().filter(|a| !a.is_empty()) {
            Some(arn) => out.pass(trail_resource(trail), format!("delivers to CloudWatch Logs log group {arn}")),
            None => out.fail(trail_resource(trail), "does not deliver to CloudWatch Logs"),
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
        let mut quiet = trail("quiet");
        quiet.cloud_watch_logs_log_group_arn = None;
        set_trails(&mut a, vec![trail("main"), quiet]);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, "main"), Status::Pass);
        assert_eq!(status_of(&found, "quiet"), Status::Fail);
    }

    #[test]
    fn error_when_trails_unreadable() {
        let mut a = cloudtrail_account();
        a.cloudtrail.trails = denied();
        assert_eq!(status_of(&run(&CHECK, &a), ACCOUNT), Status::Error);
    }
}
