//! GuardDuty: detectors.

use rampart_checks::Collected;
use rampart_checks::inventory::guardduty::GuardDutyDetector;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;
use crate::aws::error::describe;

pub async fn guardduty_detectors(client: &aws_sdk_guardduty::Client) -> Collected<Vec<GuardDutyDetector>> {
    let ids = collect_items!("guardduty:ListDetectors", client.list_detectors().into_paginator(), |id: String| id);
    let ids = match ids {
        Collected::Known(ids) => ids,
        Collected::Unknown(why) => return Collected::Unknown(why),
    };
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        match client.get_detector().detector_id(&id).send().await {
            Ok(out) => detectors.push(GuardDutyDetector { detector_id: id, status: out.status().map(|s| s.as_str().to_string()) }),
            Err(e) => return Collected::Unknown(describe("guardduty:GetDetector", &e)),
        }
    }
    Collected::Known(detectors)
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::GuardDutyDetectors, guardduty_detectors(&session.guardduty(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.guardduty.detectors = read) as Apply<_>
    })
}
