use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts `CreateTrail`, `UpdateTrail`, `DeleteTrail`,
    /// `StartLogging` and `StopLogging`, and an alarm on its metric notifies an SNS topic with a
    /// confirmed subscriber. The filter must not match read-only CloudTrail calls.
    /// ## Why it matters
    /// Stopping or redirecting the audit trail is what an intruder does before anything else: an
    /// alert on trail changes is the last warning before the record goes dark.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name CloudtrailConfigurationChanges \
    ///   --metric-transformations metricName=CloudtrailConfigurationChanges,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name CloudtrailConfigurationChanges --metric-name CloudtrailConfigurationChanges \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.5
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
        title: "A metric filter and alarm with a subscriber watch CloudTrail configuration changes",
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

static SPEC: Spec = Spec { watches: "CloudTrail configuration changes", required, negative };

fn required() -> Vec<Event> {
    events::api_calls(
        "cloudtrail.amazonaws.com",
        &["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"],
    )
}

fn negative() -> Vec<Event> {
    vec![events::read_call("cloudtrail.amazonaws.com", "DescribeTrails")]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (
                    r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }"#,
                    r#"cloudtrail:StartLogging"#,
                ),
                (r#"{ $.eventSource = "cloudtrail.amazonaws.com" }"#, r#"cloudtrail:DescribeTrails"#),
            ],
        );
    }
}
