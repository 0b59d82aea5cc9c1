use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts `DisableKey` and `ScheduleKeyDeletion` calls
    /// to KMS, and an alarm on its metric notifies an SNS topic with a confirmed subscriber. The
    /// filter must not match read-only KMS calls.
    /// ## Why it matters
    /// Data encrypted under a disabled or deleted key is unreadable: disabling a key is a denial of
    /// service, and deleting it is permanent after the waiting period. The alarm is the chance to
    /// cancel the deletion in time.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name DisablingOrScheduledDeletionOfKmsKeys \
    ///   --metric-transformations metricName=DisablingOrScheduledDeletionOfKmsKeys,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name DisablingOrScheduledDeletionOfKmsKeys --metric-name DisablingOrScheduledDeletionOfKmsKeys \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.7
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
        title: "A metric filter and alarm with a subscriber watch disabling or scheduled deletion of KMS keys",
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

static SPEC: Spec = Spec { watches: "disabling or scheduled deletion of KMS keys", required, negative };

fn required() -> Vec<Event> {
    events::api_calls("kms.amazonaws.com", &["DisableKey", "ScheduleKeyDeletion"])
}

fn negative() -> Vec<Event> {
    vec![events::read_call("kms.amazonaws.com", "DescribeKey")]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str =
        r#"{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (r#"{ $.eventName = DisableKey }"#, r#"kms:ScheduleKeyDeletion"#),
                (r#"{ $.eventSource = kms.amazonaws.com }"#, r#"kms:DescribeKey"#),
            ],
        );
    }
}
