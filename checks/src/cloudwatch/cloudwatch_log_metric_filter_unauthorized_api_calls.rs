use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};
use serde_json::json;

declare_check! {
    /// ## What it checks
    /// A CloudWatch Logs metric filter on the CloudTrail log group counts API calls refused for
    /// lack of permission, and an alarm on its metric notifies an SNS topic that has a confirmed
    /// subscriber. The filter must match calls failing with `Client.UnauthorizedOperation`,
    /// `UnauthorizedOperation`, `AccessDenied` and `AccessDeniedException`, and must not match
    /// successful calls or other errors (throttling).
    /// ## Why it matters
    /// A burst of denied calls is how reconnaissance with stolen credentials, or a misbehaving
    /// automation, first shows up. Without an alarm nobody looks until the damage is done.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name UnauthorizedApiCalls \
    ///   --metric-transformations metricName=UnauthorizedApiCalls,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name UnauthorizedApiCalls --metric-name UnauthorizedApiCalls \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.1
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_unauthorized_api_calls",
        title: "A metric filter and alarm with a subscriber watch unauthorized API calls",
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

static SPEC: Spec = Spec { watches: "unauthorized API calls", required, negative };

fn required() -> Vec<Event> {
    vec![
        events::api_call("ec2.amazonaws.com", "RunInstances")
            .set("errorCode", json!("Client.UnauthorizedOperation"))
            .set("errorMessage", json!("You are not authorized to perform this operation."))
            .noted("Client.UnauthorizedOperation"),
        events::api_call("ec2.amazonaws.com", "CreateVpc")
            .set("errorCode", json!("UnauthorizedOperation"))
            .noted("UnauthorizedOperation"),
        events::api_call("s3.amazonaws.com", "PutBucketPolicy")
            .set("errorCode", json!("AccessDenied"))
            .noted("AccessDenied"),
        events::api_call("kms.amazonaws.com", "Decrypt")
            .set("errorCode", json!("AccessDeniedException"))
            .noted("AccessDeniedException"),
    ]
}

fn negative() -> Vec<Event> {
    vec![
        events::api_call("dynamodb.amazonaws.com", "PutItem")
            .set("errorCode", json!("ThrottlingException"))
            .noted("ThrottlingException"),
    ]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#;
    const CIS_ALT1: &str = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS, CIS_ALT1],
            &[
                (r#"{ $.errorCode = "AccessDenied*" }"#, r#"Client.UnauthorizedOperation"#),
                (r#"{ $.errorCode = * }"#, r#"ThrottlingException"#),
            ],
        );
    }
}
