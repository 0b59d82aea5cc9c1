//! SSM (patching): managed instances and patch compliance.

use rampart_checks::Collected;
use rampart_checks::inventory::ssm::{ManagedInstance, PatchCompliance};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn managed_instances(client: &aws_sdk_ssm::Client) -> Collected<Vec<ManagedInstance>> {
    collect_items!(
        "ssm:DescribeInstanceInformation",
        client.describe_instance_information().into_paginator(),
        |i: aws_sdk_ssm::types::InstanceInformation| ManagedInstance {
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            ping_status: i.ping_status().map(|p| p.as_str().to_string()),
        }
    )
}

/// One call for every resource: ListResourceComplianceSummaries filtered to patching.
pub async fn patch_compliance(client: &aws_sdk_ssm::Client) -> Collected<Vec<PatchCompliance>> {
    let filter = aws_sdk_ssm::types::ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values("Patch")
        .r#type(aws_sdk_ssm::types::ComplianceQueryOperatorType::Equal)
        .build();
    collect_items!(
        "ssm:ListResourceComplianceSummaries",
        client.list_resource_compliance_summaries().filters(filter).into_paginator(),
        |s: aws_sdk_ssm::types::ResourceComplianceSummaryItem| {
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
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = session.ssm(region);
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
