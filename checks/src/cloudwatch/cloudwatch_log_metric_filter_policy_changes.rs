use super::events::{self, Event};
use super::{Spec, evaluate_spec};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// A metric filter on the CloudTrail log group counts every change to IAM policies (inline
    /// policies put or deleted, managed policies and versions created or deleted, policies attached
    /// to or detached from users, groups and roles), and an alarm on its metric notifies an SNS
    /// topic with a confirmed subscriber. The filter must match each of the 16 IAM events the
    /// benchmark lists and must not match read-only IAM calls.
    /// ## Why it matters
    /// Policy changes are how access is widened, by mistake or by an attacker establishing
    /// persistence. An alert shortly after the change is the cheapest time to catch it.
    /// ## Remediation
    /// Create the metric filter on the log group the multi-region trail delivers to, an alarm on
    /// its metric, and a subscribed SNS topic:
    ///
    /// ```sh
    /// aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name IamPolicyChanges \
    ///   --metric-transformations metricName=IamPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 \
    ///   --filter-pattern '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}'
    /// aws sns create-topic --name <topic>
    /// aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
    /// aws cloudwatch put-metric-alarm --alarm-name IamPolicyChanges --metric-name IamPolicyChanges \
    ///   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
    ///   --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 \
    ///   --alarm-actions <topic-arn>
    /// ```
    ///
    /// Then confirm the subscription from the message SNS sends. The trail must be multi-region,
    /// logging, record all read and write management events, and deliver to CloudWatch Logs.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.4
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
    /// - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    pub static CHECK = {
        id: "cloudwatch_log_metric_filter_policy_changes",
        title: "A metric filter and alarm with a subscriber watch IAM policy changes",
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

static SPEC: Spec = Spec { watches: "IAM policy changes", required, negative };

fn required() -> Vec<Event> {
    events::api_calls(
        "iam.amazonaws.com",
        &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
    )
}

fn negative() -> Vec<Event> {
    vec![events::read_call("iam.amazonaws.com", "GetPolicy"), events::read_call("iam.amazonaws.com", "ListPolicies")]
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    evaluate_spec(account, &SPEC, out);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::cloudwatch::testing::assert_monitoring_check;

    const CIS: &str = r#"{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"#;

    #[test]
    fn pass_fail_error() {
        assert_monitoring_check(
            &CHECK,
            &[CIS],
            &[
                (r#"{ $.eventSource = iam.amazonaws.com }"#, r#"iam:GetPolicy"#),
                (r#"{ ($.eventName=PutRolePolicy)||($.eventName=AttachRolePolicy) }"#, r#"iam:DeleteGroupPolicy"#),
            ],
        );
    }
}
