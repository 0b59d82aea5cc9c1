//! IAM Access Analyzer: analyzers.

use rampart_checks::Collected;
use rampart_checks::inventory::accessanalyzer::Analyzer;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn access_analyzers(client: &aws_sdk_accessanalyzer::Client) -> Collected<Vec<Analyzer>> {
    collect_items!(
        "access-analyzer:ListAnalyzers",
        client.list_analyzers().into_paginator(),
        |a: aws_sdk_accessanalyzer::types::AnalyzerSummary| Analyzer {
            name: a.name().to_string(),
            analyzer_type: a.r#type().as_str().to_string(),
            status: a.status().as_str().to_string(),
        }
    )
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::AccessAnalyzers, access_analyzers(&session.accessanalyzer(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.accessanalyzer.analyzers = read) as Apply<_>
    })
}
