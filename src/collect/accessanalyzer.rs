//! IAM Access Analyzer: analyzers.

use rampart_checks::Collected;
use rampart_checks::inventory::accessanalyzer::Analyzer;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn access_analyzers(client: &aws_sdk_accessanalyzer::Client) -> Collected<Vec<Analyzer>> {
    read::items(
        "access-analyzer:ListAnalyzers",
        client.list_analyzers().into_paginator().items().send(),
        |a| Analyzer {
            name: a.name().to_string(),
            analyzer_type: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
        }
    )
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::AccessAnalyzers, access_analyzers(&client!(session, aws_sdk_accessanalyzer, "access-analyzer", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.accessanalyzer.analyzers = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::accessanalyzer::Analyzer;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn analyzers_are_read() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "REST GET /analyzer");
            json(
                r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org","name":"org","type":"ORGANIZATION",
                "status":"ACTIVE","createdAt":"2023-11-14T22:13:20Z"}]}"#,
            )
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::AccessAnalyzers])).await;
        assert_eq!(known(&inv.accessanalyzer.analyzers), &[Analyzer {
            name: "org".into(),
            analyzer_type: "ORGANIZATION".into(),
            status: "ACTIVE".into(),
        }]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("access-analyzer:ListAnalyzers")).await;
        let inv = stub.regional(regional, &plan(&[Source::AccessAnalyzers])).await;
        assert_eq!(unknown(&inv.accessanalyzer.analyzers), (
            Cause::Denied,
            "access-analyzer:ListAnalyzers access denied: AccessDeniedException: not authorized to perform: access-analyzer:ListAnalyzers"
        ));
    }

    #[tokio::test]
    async fn an_endpoint_without_the_call_is_unknown_unsupported() {
        let stub = Stub::start(|_| ("404 Not Found", "text/html", b"<html>Not Found</html>".to_vec())).await;
        let inv = stub.regional(regional, &plan(&[Source::AccessAnalyzers])).await;
        assert_eq!(unknown(&inv.accessanalyzer.analyzers), (
            Cause::Unsupported,
            "access-analyzer:ListAnalyzers not supported by this endpoint: HTTP 404 without an AWS error document"
        ));
    }
}
