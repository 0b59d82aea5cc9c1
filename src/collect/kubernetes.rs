//! Kubernetes in an audit of AWS: nothing is read. A cluster is audited by
//! `rampart audit --kubernetes` (`crate::kubernetes`), which selects the Kubernetes checks
//! alone; an audit of AWS selects none of them. Should a caller of the library select one
//! anyway, its reads are "not collected" with the reason, and it reports ERROR saying so.

use rampart_checks::inventory::{AccountInventory, Collector, Plan, Source};

use super::{Apply, GlobalRead};
use crate::aws::Session;

/// Why an audit of AWS holds no cluster.
pub(crate) const NOT_IN_AN_AWS_AUDIT: &str = "not collected: a Kubernetes cluster is audited with `rampart audit --kubernetes`";

/// The table's entry.
pub(super) fn global<'a>(_session: &'a Session, plan: &'a Plan) -> GlobalRead<'a> {
    let sources: Vec<Source> = plan.sources().filter(|s| s.collector() == Collector::Kubernetes).collect();
    Box::pin(async move {
        Box::new(move |account: &mut AccountInventory| {
            for source in sources {
                source.mark_unknown(account, NOT_IN_AN_AWS_AUDIT);
            }
        }) as Apply<_>
    })
}
