//! Macie: the Macie session.

use rampart_checks::Collected;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

/// Macie GetMacieSession. Where Macie is off, AWS answers AccessDenied "Macie is not
/// enabled" (or ResourceNotFound, as emulators do): that is data; any other denial is not.
pub async fn macie_session(client: &aws_sdk_macie2::Client) -> Collected<Option<rampart_checks::inventory::macie::MacieSession>> {
    use aws_sdk_macie2::error::ProvideErrorMetadata;
    match client.get_macie_session().send().await {
        Ok(out) => Collected::Known(Some(rampart_checks::inventory::macie::MacieSession {
            status: out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        })),
        Err(e)
            if e.as_service_error().is_some_and(|se| {
                se.code() == Some("ResourceNotFoundException")
                    || (se.code() == Some("AccessDeniedException") && se.message().is_some_and(|m| m.contains("not enabled")))
            }) =>
        {
            Collected::Known(None)
        }
        Err(e) => Collected::Unknown(crate::aws::error::describe("macie2:GetMacieSession", &e)),
    }
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MacieSession, macie_session(&session.macie(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.macie.session = read) as Apply<_>
    })
}
