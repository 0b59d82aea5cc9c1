use super::calendar::{self, Support};
use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EKS cluster runs a Kubernetes version inside EKS standard support on the day the
    /// inventory was collected, by the release calendar Rampart carries as data
    /// (`checks/src/eks/calendar.rs`: each version's dates, their source and the day they were
    /// taken). A version in extended support fails (it is paid for per hour,
    /// and ends within a year); one past extended support fails. A version newer than the
    /// calendar passes (EKS offers no version before it is supported); a version that cannot
    /// be read is an ERROR.
    /// ## Why it matters
    /// Regular updates and patching: a Kubernetes minor version gets security fixes upstream
    /// for about fourteen months; EKS's standard support follows it. Past it, fixes for the
    /// control plane and the node images come later or not at all.
    /// ## Remediation
    /// Upgrade one minor version at a time (`aws eks update-cluster-version --name <name>
    /// --kubernetes-version <next>`), after the add-ons and the nodes are compatible; EKS
    /// upgrade insights (`aws eks list-insights`) lists the deprecated APIs in use.
    /// ## References
    /// - AWS Security Hub, control EKS.2
    /// - https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
    pub static CHECK = {
        id: "eks_cluster_uses_a_supported_version",
        title: "EKS clusters run a Kubernetes version in standard support",
        measure: Measure::Patching,
        severity: Severity::High,
        reads: [Source::EksClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let today = ctx.now.date_naive();
    each_cluster(account, out, |_, cluster, resource, out| {
        let Some(version) = cluster.version.as_deref() else {
            out.error(resource, "DescribeCluster gave no Kubernetes version");
            return;
        };
        match calendar::support(version, today) {
            None => out.error(resource, format!("Kubernetes version {version:?} cannot be read")),
            Some(Support::Standard { until }) => out.pass(resource, format!("Kubernetes {version}, in standard support until {until}")),
            Some(Support::NewerThanCalendar) => {
                out.pass(resource, format!("Kubernetes {version}, newer than the release calendar of {}", calendar::AS_OF))
            }
            Some(Support::Extended { since, until }) => {
                out.fail(resource, format!("Kubernetes {version}: standard support ended {since}; extended support (paid) ends {until}"))
            }
            Some(Support::Ended { since }) => out.fail(resource, format!("Kubernetes {version}: every support ended {since}")),
            Some(Support::OlderThanCalendar) => out.fail(resource, format!("Kubernetes {version}: older than every version of the calendar, past all support")),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn judged_on_the_collection_day() {
        // The test inventory was collected on 2026-11-01.
        let mut account = account();
        let at = |v: Option<&str>| {
            let mut c = cluster(&format!("v{}", v.unwrap_or("none")));
            c.version = v.map(str::to_string);
            c
        };
        region(&mut account).eks.clusters = Collected::Known(vec![at(Some("1.34")), at(Some("1.33")), at(Some("1.30")), at(Some("1.40")), at(Some("1.20")), at(None), at(Some("one"))]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Fail, Fail, Pass, Fail, Error, Error]);
        assert_eq!(found[0].message, "Kubernetes 1.34, in standard support until 2026-12-02");
        assert_eq!(found[1].message, "Kubernetes 1.33: standard support ended 2026-07-29; extended support (paid) ends 2027-07-29");
        assert_eq!(found[2].message, "Kubernetes 1.30: every support ended 2026-07-23");
        region(&mut account).eks.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Error);
    }
}
