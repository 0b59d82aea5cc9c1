use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts `StopConfigurationRecorder`,
    /// `DeleteDeliveryChannel`, `PutDeliveryChannel` and `PutConfigurationRecorder` calls to AWS
    /// Config, and an alarm on its metric notifies an SNS topic with a confirmed subscriber. The
    /// filter must not match read-only Config calls.
    /// ## Why it matters
    /// AWS Config is the record of how resources were configured over time. Stopping the recorder
    /// or redirecting its delivery hides later changes from every audit.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name AwsConfigConfigurationChanges \
    ///   --metric-transformations metricName=AwsConfigConfigurationChanges,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name AwsConfigConfigurationChanges --metric-name AwsConfigConfigurationChanges \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.9
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled",
        title: "A metric filter and alarm with a subscriber watch AWS Config configuration changes",
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

static SPEC: Spec = Spec { watches: "AWS Config configuration changes", required, negative };

fn required() -> Vec<Event> {
    events::api_calls(
        "config.amazonaws.com",
        &["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"],
    )
}

fn negative() -> Vec<Event> {
    vec![events::read_call("config.amazonaws.com", "DescribeConfigurationRecorders")]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (
                    r#"{ ($.eventSource = config.amazonaws.com) && ($.eventName=StopConfigurationRecorder) }"#,
                    r#"config:DeleteDeliveryChannel"#,
                ),
                (r#"{ $.eventSource = config.amazonaws.com }"#, r#"config:DescribeConfigurationRecorders"#),
            ],
        );
    }
}
