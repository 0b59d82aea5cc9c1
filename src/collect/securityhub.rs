//! Security Hub: the hub.

use rampart_checks::Collected;
use rampart_checks::inventory::securityhub::SecurityHub;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

/// DescribeHub; "Account is not subscribed to AWS Security Hub" is an answer, `None`.
pub async fn securityhub(client: &aws_sdk_securityhub::Client) -> Collected<Option<SecurityHub>> {
    read::optional("securityhub:DescribeHub", client.describe_hub().send(), |out| {
        Some(SecurityHub { hub_arn: out.hub_arn().map(str::to_string) })
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::SecurityHub, securityhub(&client!(session, aws_sdk_securityhub, "securityhub", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.securityhub.hub = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::securityhub::SecurityHub;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn the_hub_is_read() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "REST GET /accounts");
            json(
                r#"{"HubArn":"arn:aws:securityhub:us-east-1:123456789012:hub/default","SubscribedAt":"2024-01-02T03:04:05.000Z",
                "AutoEnableControls":true}"#,
            )
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::SecurityHub])).await;
        assert_eq!(known(&inv.securityhub.hub), &Some(SecurityHub {
            hub_arn: Some("arn:aws:securityhub:us-east-1:123456789012:hub/default".into()),
        }));
    }

    #[tokio::test]
    async fn an_account_not_subscribed_has_no_hub() {
        for (status, code) in [("401 Unauthorized", "InvalidAccessException"), ("404 Not Found", "ResourceNotFoundException")] {
            let stub = Stub::start(move |_| Protocol::Json.error(status, code, "Account is not subscribed to AWS Security Hub")).await;
            let inv = stub.regional(regional, &plan(&[Source::SecurityHub])).await;
            assert_eq!(known(&inv.securityhub.hub), &None, "{code}");
        }
    }

    #[tokio::test]
    async fn a_denied_call_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("securityhub:DescribeHub")).await;
        let inv = stub.regional(regional, &plan(&[Source::SecurityHub])).await;
        assert_eq!(unknown(&inv.securityhub.hub), (
            Cause::Denied,
            "securityhub:DescribeHub access denied: AccessDeniedException: not authorized to perform: securityhub:DescribeHub"
        ));
    }
}
