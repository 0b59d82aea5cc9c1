use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts successful console sign-ins of IAM users
    /// made without MFA (`ConsoleLogin` with `additionalEventData.MFAUsed` other than `Yes`), and an
    /// alarm on its metric notifies an SNS topic with a confirmed subscriber. The filter must not
    /// count sign-ins made with MFA.
    ///
    /// Both patterns the benchmark gives pass: the plain one, and the one that also requires
    /// `userIdentity.type = "IAMUser"` and `responseElements.ConsoleLogin = "Success"` (which leaves
    /// out federated and root sign-ins and failed attempts). The required event is therefore a
    /// successful IAM-user sign-in with `MFAUsed = "No"`; root sign-ins are covered by
    /// `cloudwatch_log_metric_filter_root_usage`, failed ones by
    /// `cloudwatch_log_metric_filter_authentication_failures`.
    /// ## Why it matters
    /// A password alone is a single factor: a sign-in without MFA is either a user who was never
    /// enrolled or a stolen password being tried. Either deserves an alert.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name ConsoleSignInsWithoutMfa \
    ///   --metric-transformations metricName=ConsoleSignInsWithoutMfa,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name ConsoleSignInsWithoutMfa --metric-name ConsoleSignInsWithoutMfa \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.2
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_sign_in_without_mfa",
        title: "A metric filter and alarm with a subscriber watch console sign-ins without MFA",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [
            Source::Trails,
            Source::TrailStatus,
            Source::TrailEventSelectors,
            Source::MetricFilters,
            Source::MetricAlarms,
            Source::SnsSubscriptions,
        ],
        eval: evaluate,
    }
}

static SPEC: Spec = Spec { watches: "console sign-ins without MFA", required, negative };

fn required() -> Vec<Event> {
    vec![events::console_login(false)]
}

fn negative() -> Vec<Event> {
    vec![events::console_login(true)]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#;
    const CIS_ALT1: &str = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS, CIS_ALT1],
            &[
                (r#"{ $.eventName = "ConsoleLogin" }"#, r#"MFAUsed=Yes"#),
                (r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }"#, r#"MFAUsed=No"#),
            ],
        );
    }
}
