use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts customer gateways created or deleted and
    /// internet gateways created, deleted, attached or detached, and an alarm on its metric
    /// notifies an SNS topic with a confirmed subscriber. The filter must not match read-only EC2
    /// calls such as `DescribeInternetGateways`.
    /// ## Why it matters
    /// Gateways are the doors of a VPC: attaching an internet gateway can expose a private network,
    /// and a new customer gateway can route traffic to somewhere unexpected.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name NetworkGatewayChanges \
    ///   --metric-transformations metricName=NetworkGatewayChanges,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name NetworkGatewayChanges --metric-name NetworkGatewayChanges \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.12
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_changes_to_network_gateways_alarm_configured",
        title: "A metric filter and alarm with a subscriber watch network gateway changes",
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

static SPEC: Spec = Spec { watches: "network gateway changes", required, negative };

fn required() -> Vec<Event> {
    events::api_calls(
        "ec2.amazonaws.com",
        &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ],
    )
}

fn negative() -> Vec<Event> {
    vec![
        events::read_call("ec2.amazonaws.com", "DescribeInternetGateways"),
        events::read_call("ec2.amazonaws.com", "DescribeCustomerGateways"),
    ]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (
                    r#"{ ($.eventName = CreateInternetGateway) || ($.eventName = AttachInternetGateway) }"#,
                    r#"ec2:CreateCustomerGateway"#,
                ),
                (r#"{ $.eventName = *Gateway* }"#, r#"ec2:DescribeInternetGateways"#),
            ],
        );
    }
}
