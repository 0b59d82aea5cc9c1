//! Security Hub: the hub.

use rampart_checks::Collected;
use rampart_checks::inventory::monitoring::SecurityHub;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, read};

/// DescribeHub; "Account is not subscribed to AWS Security Hub" is an answer, `None`.
pub async fn securityhub(client: &aws_sdk_securityhub::Client) -> Collected<Option<SecurityHub>> {
    read::optional("securityhub:DescribeHub", client.describe_hub().send(), |out| {
        Some(SecurityHub { hub_arn: out.hub_arn().map(str::to_string), subscribed_at: out.subscribed_at().map(str::to_string) })
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::SecurityHub, securityhub(&session.securityhub(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.securityhub = read) as Apply<_>
    })
}
