//! Macie: the Macie session.

use rampart_checks::Collected;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

/// Macie GetMacieSession. Where Macie is off, AWS answers AccessDenied "Macie is not
/// enabled" (or ResourceNotFound, as emulators do): that is data, `None`; any other denial
/// is not.
pub async fn macie_session(client: &aws_sdk_macie2::Client) -> Collected<Option<rampart_checks::inventory::macie::MacieSession>> {
    read::optional("macie2:GetMacieSession", client.get_macie_session().send(), |out| {
        Some(rampart_checks::inventory::macie::MacieSession {
            status: out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        })
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MacieSession, macie_session(&client!(session, aws_sdk_macie2, "macie2", region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.macie.session = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::macie::MacieSession;
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, json, known, plan, unknown};

    #[tokio::test]
    async fn the_session_is_read() {
        let stub = Stub::start(|r| {
            assert_eq!(r.action, "REST GET /macie");
            json(r#"{"status":"PAUSED","createdAt":"2024-01-02T03:04:05Z","findingPublishingFrequency":"FIFTEEN_MINUTES"}"#)
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::MacieSession])).await;
        assert_eq!(known(&inv.macie.session), &Some(MacieSession { status: "PAUSED".into() }));
    }

    #[tokio::test]
    async fn macie_not_enabled_is_no_session() {
        for (status, code, message) in [
            ("403 Forbidden", "AccessDeniedException", "Macie is not enabled."),
            ("404 Not Found", "ResourceNotFoundException", "no Macie session"),
        ] {
            let stub = Stub::start(move |_| Protocol::Json.error(status, code, message)).await;
            let inv = stub.regional(regional, &plan(&[Source::MacieSession])).await;
            assert_eq!(known(&inv.macie.session), &None, "{code}");
        }
    }

    #[tokio::test]
    async fn any_other_denial_is_unknown_with_the_reason() {
        let stub = Stub::start(|_| Protocol::Json.denied("macie2:GetMacieSession")).await;
        let inv = stub.regional(regional, &plan(&[Source::MacieSession])).await;
        assert_eq!(unknown(&inv.macie.session), (
            Cause::Denied,
            "macie2:GetMacieSession access denied: AccessDeniedException: not authorized to perform: macie2:GetMacieSession"
        ));
    }
}
