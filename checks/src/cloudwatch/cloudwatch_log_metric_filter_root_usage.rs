use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};
use serde_json::json;

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts every action of the root user that was not
    /// made on its behalf by an AWS service (`userIdentity.type = "Root"`, no
    /// `userIdentity.invokedBy`, `eventType` other than `AwsServiceEvent`), and an alarm on its
    /// metric notifies an SNS topic with a confirmed subscriber. The filter must match root API
    /// calls and root console sign-ins, and must not match root events invoked by a service.
    /// ## Why it matters
    /// The root user cannot be restricted by any policy. It should almost never be used, so every
    /// use is worth a look, and an unexpected one is an incident.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name UsesOfTheRootUser \
    ///   --metric-transformations metricName=UsesOfTheRootUser,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name UsesOfTheRootUser --metric-name UsesOfTheRootUser \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.3
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_root_usage",
        title: "A metric filter and alarm with a subscriber watch use of the root user",
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

static SPEC: Spec = Spec { watches: "uses of the root user", required, negative };

fn required() -> Vec<Event> {
    vec![
        events::as_root(events::api_call("iam.amazonaws.com", "CreateAccessKey")),
        events::as_root(events::console_login(true)),
    ]
}

fn negative() -> Vec<Event> {
    vec![
        events::as_root(events::api_call("iam.amazonaws.com", "CreateServiceLinkedRole"))
            .set("userIdentity.invokedBy", json!("support.amazonaws.com"))
            .noted("invoked by an AWS service"),
        events::as_root(events::api_call("kms.amazonaws.com", "RotateKey"))
            .set("eventType", json!("AwsServiceEvent"))
            .noted("AwsServiceEvent"),
    ]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (r#"{ $.userIdentity.type = "Root" }"#, r#"invoked by an AWS service"#),
                (r#"{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }"#, r#"ConsoleLogin"#),
            ],
        );
    }
}
