//! Macie: the Macie session.

use rampart_checks::Collected;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, read};

/// Macie GetMacieSession. Where Macie is off, AWS answers AccessDenied "Macie is not
/// enabled" (or ResourceNotFound, as emulators do): that is data, `None`; any other denial
/// is not.
pub async fn macie_session(client: &aws_sdk_macie2::Client) -> Collected<Option<rampart_checks::inventory::services::MacieSession>> {
    read::optional("macie2:GetMacieSession", client.get_macie_session().send(), |out| {
        Some(rampart_checks::inventory::services::MacieSession {
            status: out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        })
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::MacieSession, macie_session(&session.macie(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.macie_session = read) as Apply<_>
    })
}
