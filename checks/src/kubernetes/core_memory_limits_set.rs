use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container and init container of a workload sets a memory limit
    /// (`resources.limits.memory`). Ephemeral debug containers cannot have one and are not judged.
    /// ## Why it matters
    /// Practice served: CPU and memory limits. A container without a memory limit can exhaust its node's memory: the kernel's OOM killer then ends processes of other pods, and a leak or an attack on one service becomes an outage of many.
    /// ## Remediation
    /// Set `resources.limits.memory` (and `resources.requests.memory`) on each container of the pod
    /// template, from what it uses under load; or give the namespace a LimitRange with a
    /// default limit, so that containers created without one get it.
    /// ## References
    /// - Prowler, check core_memory_limits_set
    /// - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    pub static CHECK = {
        id: "core_memory_limits_set",
        title: "Kubernetes workloads set a memory limit on every container",
        measure: Measure::Containers,
        severity: Severity::Low,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    use crate::inventory::kubernetes::ContainerKind;
    super::judge_containers(account, ctx, out, "every container has a memory limit", |_, c| {
        let set = c.memory_limit.as_deref().is_some_and(|l| !l.trim().is_empty());
        (c.kind != ContainerKind::Ephemeral && !set).then(|| "has no memory limit".to_string())
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::kubernetes::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut unbounded = owned_by(good_pod("shop", "db-0"), "StatefulSet", "db");
        unbounded.containers[0].memory_limit = None;
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), unbounded]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/StatefulSet/db"), Status::Fail);
        assert!(found.iter().any(|f| f.message == "container app has no memory limit"));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
