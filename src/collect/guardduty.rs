//! GuardDuty: detectors.

use rampart_checks::Collected;
use rampart_checks::inventory::guardduty::GuardDutyDetector;

use rampart_checks::inventory::{Plan, RegionInventory, Source, Unavailable};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

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
        let read = tracked(plan, Source::GuardDutyDetectors, guardduty_detectors(&client!(session, aws_sdk_guardduty, "guardduty", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.guardduty.detectors = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::guardduty::GuardDutyDetector;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    const DETECTOR: &str = r#"{"serviceRole":"arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/GuardDuty",
        "status":"ENABLED","findingPublishingFrequency":"SIX_HOURS"}"#;

    #[tokio::test]
    async fn every_detector_is_read_with_its_status() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST GET /detector" => json(r#"{"detectorIds":["d1"]}"#),
            "REST GET /detector/d1" => json(DETECTOR),
            other => panic!("unexpected {other}"),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::GuardDutyDetectors])).await;
        assert_eq!(known(&inv.guardduty.detectors), &[GuardDutyDetector { detector_id: "d1".into(), status: Some("ENABLED".into()) }]);
    }

    #[tokio::test]
    async fn no_detector_is_an_empty_list() {
        // GuardDuty not enabled in the region: it lists no detector.
        let stub = Stub::start(|_| json(r#"{"detectorIds":[]}"#)).await;
        let inv = stub.regional(regional, &plan(&[Source::GuardDutyDetectors])).await;
        assert_eq!(known(&inv.guardduty.detectors), &[]);
        assert_eq!(stub.actions(), ["REST GET /detector"]);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("guardduty:ListDetectors")).await;
        let inv = stub.regional(regional, &plan(&[Source::GuardDutyDetectors])).await;
        assert_eq!(unknown(&inv.guardduty.detectors), (
            Cause::Denied,
            "guardduty:ListDetectors access denied: AccessDeniedException: not authorized to perform: guardduty:ListDetectors"
        ));
    }

    #[tokio::test]
    async fn one_unreadable_detector_makes_the_list_unknown() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST GET /detector" => json(r#"{"detectorIds":["d1","d2"]}"#),
            "REST GET /detector/d1" => json(DETECTOR),
            _ => Protocol::Json.throttled(),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::GuardDutyDetectors])).await;
        assert_eq!(unknown(&inv.guardduty.detectors), (
            Cause::Throttled,
            "guardduty:GetDetector throttled after every retry: ThrottlingException: Rate exceeded"
        ));
    }
}
