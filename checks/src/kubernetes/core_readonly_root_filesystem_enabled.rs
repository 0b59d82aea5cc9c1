use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload sets `readOnlyRootFilesystem: true` in its
    /// `securityContext` (ephemeral debug containers excepted).
    /// ## Why it matters
    /// Practice served: the container `securityContext` with `readOnlyRootFilesystem: true`.
    /// An attacker who gets code execution in a container with a read-only root cannot drop
    /// tools or change binaries and configuration in the image; what must be written goes to
    /// the volumes the pod declares, which are visible and bounded.
    /// ## Remediation
    /// Add `readOnlyRootFilesystem: true` to each container's `securityContext`, and mount an
    /// `emptyDir` volume where the process writes (`/tmp`, caches).
    /// ## References
    /// - Prowler, check core_readonly_root_filesystem_enabled
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static CHECK = {
        id: "core_readonly_root_filesystem_enabled",
        title: "Kubernetes workloads run their containers on a read-only root file system",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    use crate::inventory::kubernetes::ContainerKind;
    super::judge_containers(account, ctx, out, "every container has a read-only root file system", |_, c| {
        (c.kind != ContainerKind::Ephemeral && c.security_context.read_only_root_filesystem != Some(true))
            .then(|| "does not set readOnlyRootFilesystem: true".to_string())
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::kubernetes::ContainerKind;
    use crate::kubernetes::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut writable = good_pod("shop", "writable");
        let mut init = good_container("setup");
        init.kind = ContainerKind::Init;
        init.security_context.read_only_root_filesystem = Some(false);
        writable.containers.push(init);
        let mut debugged = good_pod("shop", "debugged");
        let mut debug = good_container("debugger");
        debug.kind = ContainerKind::Ephemeral;
        debug.security_context.read_only_root_filesystem = None;
        debugged.containers.push(debug);
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), writable, debugged]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/debugged"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/writable"), Status::Fail);
        assert!(found.iter().any(|f| f.message == "init container setup does not set readOnlyRootFilesystem: true"));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
