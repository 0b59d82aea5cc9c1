//! GuardDuty: detectors.

use rampart_checks::Collected;
use rampart_checks::inventory::monitoring::GuardDutyDetector;

use rampart_checks::inventory::{Plan, RegionInventory, Source, Unavailable};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, read};

/// ListDetectors, then GetDetector for each; any failure makes the whole list unknown.
pub async fn guardduty_detectors(client: &aws_sdk_guardduty::Client) -> Collected<Vec<GuardDutyDetector>> {
    read::collected(detectors(client).await)
}

async fn detectors(client: &aws_sdk_guardduty::Client) -> Result<Vec<GuardDutyDetector>, Unavailable> {
    let ids = read::all("guardduty:ListDetectors", client.list_detectors().into_paginator().items().send(), |id| id).await?;
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        let out = read::call("guardduty:GetDetector", client.get_detector().detector_id(&id).send()).await?;
        detectors.push(GuardDutyDetector { detector_id: id, status: out.status().map(|s| s.as_str().to_string()) });
    }
    Ok(detectors)
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::GuardDutyDetectors, guardduty_detectors(&session.guardduty(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.guardduty_detectors = read) as Apply<_>
    })
}
