//! Security Hub: the hub.

use rampart_checks::Collected;
use rampart_checks::inventory::securityhub::SecurityHub;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;
use crate::aws::error::{describe, has_code};

pub async fn securityhub(client: &aws_sdk_securityhub::Client) -> Collected<Option<SecurityHub>> {
    match client.describe_hub().send().await {
        Ok(out) => Collected::Known(Some(SecurityHub {
            hub_arn: out.hub_arn().map(str::to_string),
        })),
        // "Account is not subscribed to AWS Security Hub" is an answer, not a failure.
        Err(e) if has_code(&e, &["InvalidAccessException", "ResourceNotFoundException"]) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("securityhub:DescribeHub", &e)),
    }
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::SecurityHub, securityhub(&session.securityhub(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.securityhub.hub = read) as Apply<_>
    })
}
