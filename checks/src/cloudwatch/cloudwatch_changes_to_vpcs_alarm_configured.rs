use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts VPCs created, deleted or modified, VPC
    /// peering connections requested, accepted, rejected or deleted, and ClassicLink changes (the
    /// eleven EC2 events the benchmark lists), and an alarm on its metric notifies an SNS topic
    /// with a confirmed subscriber. The filter must not match read-only EC2 calls such as
    /// `DescribeVpcs`.
    /// ## Why it matters
    /// A new peering connection or a modified VPC attribute can join networks that were meant to be
    /// separate. An alert on VPC changes makes such a join visible.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name VpcChanges \
    ///   --metric-transformations metricName=VpcChanges,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name VpcChanges --metric-name VpcChanges \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.14
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_changes_to_vpcs_alarm_configured",
        title: "A metric filter and alarm with a subscriber watch VPC changes",
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

static SPEC: Spec = Spec { watches: "VPC changes", required, negative };

fn required() -> Vec<Event> {
    events::api_calls(
        "ec2.amazonaws.com",
        &[
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ],
    )
}

fn negative() -> Vec<Event> {
    vec![
        events::read_call("ec2.amazonaws.com", "DescribeVpcs"),
        events::read_call("ec2.amazonaws.com", "DescribeVpcPeeringConnections"),
    ]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (r#"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }"#, r#"ec2:ModifyVpcAttribute"#),
                (r#"{ $.eventName = *Vpc* }"#, r#"ec2:DescribeVpcs"#),
            ],
        );
    }
}
