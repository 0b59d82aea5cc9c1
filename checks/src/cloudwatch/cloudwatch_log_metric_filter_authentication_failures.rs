use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts failed console sign-ins (`ConsoleLogin`
    /// with `errorMessage = "Failed authentication"`), and an alarm on its metric notifies an SNS
    /// topic with a confirmed subscriber. The filter must not match successful sign-ins.
    /// ## Why it matters
    /// Repeated failed sign-ins are password guessing. An alarm lets someone lock the user or
    /// block the source before a guess succeeds.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name ConsoleAuthenticationFailures \
    ///   --metric-transformations metricName=ConsoleAuthenticationFailures,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name ConsoleAuthenticationFailures --metric-name ConsoleAuthenticationFailures \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.6
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_authentication_failures",
        title: "A metric filter and alarm with a subscriber watch console authentication failures",
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

static SPEC: Spec = Spec { watches: "console authentication failures", required, negative };

fn required() -> Vec<Event> {
    vec![events::failed_console_login()]
}

fn negative() -> Vec<Event> {
    vec![events::console_login(false), events::console_login(true)]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (r#"{ $.eventName = ConsoleLogin }"#, r#"signin:ConsoleLogin (IAM user, success"#),
                (r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Invalid MFA") }"#, r#"Failed authentication"#),
            ],
        );
    }
}
