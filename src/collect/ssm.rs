//! SSM (patching): managed instances and patch compliance.

use rampart_checks::Collected;
use rampart_checks::inventory::ssm::{ManagedInstance, PatchCompliance};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn managed_instances(client: &aws_sdk_ssm::Client) -> Collected<Vec<ManagedInstance>> {
    read::items(
        "ssm:DescribeInstanceInformation",
        client.describe_instance_information().into_paginator().items().send(),
        |i| ManagedInstance {
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            ping_status: i.ping_status().map(|p| p.as_str().to_string()),
        }
    )
    .await
}

/// One call for every resource: ListResourceComplianceSummaries filtered to patching.
pub async fn patch_compliance(client: &aws_sdk_ssm::Client) -> Collected<Vec<PatchCompliance>> {
    let filter = aws_sdk_ssm::types::ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values("Patch")
        .r#type(aws_sdk_ssm::types::ComplianceQueryOperatorType::Equal)
        .build();
    read::items(
        "ssm:ListResourceComplianceSummaries",
        client.list_resource_compliance_summaries().filters(filter).into_paginator().items().send(),
        |s| {
            let non = s.non_compliant_summary();
            let severity = non.and_then(|n| n.severity_summary());
            PatchCompliance {
                resource_id: s.resource_id().unwrap_or_default().to_string(),
                status: s.status().map(|x| x.as_str().to_string()).unwrap_or_default(),
                non_compliant_critical: severity.map(|x| x.critical_count()).unwrap_or(0),
                non_compliant_high: severity.map(|x| x.high_count()).unwrap_or(0),
                non_compliant_total: non.map(|n| n.non_compliant_count()).unwrap_or(0),
            }
        }
    )
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = client!(session, aws_sdk_ssm, "ssm", region);
        let (managed, patches) = tokio::join!(
            tracked(plan, Source::SsmManagedInstances, managed_instances(&client)),
            tracked(plan, Source::SsmPatchCompliance, patch_compliance(&client)),
        );
        Box::new(move |inv: &mut RegionInventory| {
            inv.ssm.managed_instances = managed;
            inv.ssm.patch_compliance = patches;
        }) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::ssm::{ManagedInstance, PatchCompliance};
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn managed_instances_and_patch_compliance_are_read() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "DescribeInstanceInformation" => {
                json(r#"{"InstanceInformationList":[{"InstanceId":"i-1","PingStatus":"Online","PlatformName":"Amazon Linux"}]}"#)
            }
            "ListResourceComplianceSummaries" => {
                assert!(r.body.contains(r#""Key":"ComplianceType""#) && r.body.contains(r#""Values":["Patch"]"#), "{}", r.body);
                json(
                    r#"{"ResourceComplianceSummaryItems":[{"ComplianceType":"Patch","ResourceType":"ManagedInstance","ResourceId":"i-1",
                    "Status":"NON_COMPLIANT","NonCompliantSummary":{"NonCompliantCount":3,
                    "SeveritySummary":{"CriticalCount":1,"HighCount":2}}}]}"#,
                )
            }
            other => panic!("unexpected {other}"),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::SsmManagedInstances, Source::SsmPatchCompliance])).await;
        assert_eq!(known(&inv.ssm.managed_instances), &[ManagedInstance {
            instance_id: "i-1".into(),
            ping_status: Some("Online".into()),
        }]);
        assert_eq!(known(&inv.ssm.patch_compliance), &[PatchCompliance {
            resource_id: "i-1".into(),
            status: "NON_COMPLIANT".into(),
            non_compliant_critical: 1,
            non_compliant_high: 2,
            non_compliant_total: 3,
        }]);
    }

    #[tokio::test]
    async fn denied_calls_are_unknown_with_the_reason() {
        let stub = Stub::start(|r| Protocol::Json.denied(&format!("ssm:{}", r.action))).await;
        let inv = stub.regional(regional, &plan(&[Source::SsmManagedInstances, Source::SsmPatchCompliance])).await;
        assert_eq!(unknown(&inv.ssm.managed_instances), (
            Cause::Denied,
            "ssm:DescribeInstanceInformation access denied: AccessDeniedException: \
             not authorized to perform: ssm:DescribeInstanceInformation"
        ));
        assert_eq!(unknown(&inv.ssm.patch_compliance), (
            Cause::Denied,
            "ssm:ListResourceComplianceSummaries access denied: AccessDeniedException: \
             not authorized to perform: ssm:ListResourceComplianceSummaries"
        ));
    }

    #[tokio::test]
    async fn only_the_planned_call_is_sent_and_throttling_is_unknown_throttled() {
        let stub = Stub::start(|_| Protocol::Json.throttled()).await;
        let inv = stub.regional(regional, &plan(&[Source::SsmPatchCompliance])).await;
        assert_eq!(unknown(&inv.ssm.patch_compliance), (
            Cause::Throttled,
            "ssm:ListResourceComplianceSummaries throttled after every retry: ThrottlingException: Rate exceeded"
        ));
        assert_eq!(unknown(&inv.ssm.managed_instances).0, Cause::NotCollected);
        assert_eq!(stub.actions(), ["ListResourceComplianceSummaries"]);
    }
}
