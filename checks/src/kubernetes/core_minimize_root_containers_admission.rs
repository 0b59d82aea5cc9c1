use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload runs as a non-root user: its `securityContext` (or the
    /// pod's, which it inherits) sets `runAsNonRoot: true` or a non-zero `runAsUser`, and
    /// never `runAsUser: 0`.
    /// ## Why it matters
    /// Practice served: the pod `securityContext` with `runAsUser: 1000`, `runAsGroup: 3000`
    /// and `fsGroup: 2000`. A process that runs as UID 0 in its container is root on the
    /// node's kernel, and a container escape or a writable host mount then gives root on the
    /// node. Without `runAsNonRoot` the image's own `USER` decides, which the cluster does not
    /// see. Pod Security Standards (restricted) require it.
    /// ## Remediation
    /// Set, in the pod template's `securityContext`, `runAsNonRoot: true`, `runAsUser: 1000`,
    /// `runAsGroup: 3000` and `fsGroup: 2000` (or the image's own unprivileged ids), and build
    /// images with a non-root `USER`.
    /// ## References
    /// - Prowler, check core_minimize_root_containers_admission
    /// - CIS Kubernetes Benchmark, control 5.2.7
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static CHECK = {
        id: "core_minimize_root_containers_admission",
        title: "Kubernetes workloads run their containers as a non-root user",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_containers(account, ctx, out, "every container runs as a non-root user", |pod, c| {
        let user = c.security_context.run_as_user.or(pod.security_context.run_as_user);
        let non_root = c.security_context.run_as_non_root.or(pod.security_context.run_as_non_root);
        match (user, non_root) {
            (Some(0), _) => Some("runs as root (runAsUser: 0)".to_string()),
            (Some(_), _) | (None, Some(true)) => None,
            (None, _) => Some("sets neither runAsNonRoot: true nor a non-zero runAsUser".to_string()),
        }
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
        // From the pod's context: runAsUser 1000 there, nothing on the container.
        let mut by_pod = good_pod("shop", "by-pod");
        by_pod.security_context.run_as_user = Some(1000);
        by_pod.containers[0].security_context.run_as_user = None;
        by_pod.containers[0].security_context.run_as_non_root = None;
        let mut root = good_pod("shop", "root");
        root.containers[0].security_context.run_as_user = Some(0);
        let mut unset = good_pod("shop", "unset");
        unset.containers[0].security_context.run_as_user = None;
        unset.containers[0].security_context.run_as_non_root = None;
        // The container overrides the pod.
        let mut overridden = good_pod("shop", "overridden");
        overridden.security_context.run_as_non_root = Some(true);
        overridden.containers[0].security_context.run_as_non_root = None;
        overridden.containers[0].security_context.run_as_user = Some(0);
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), by_pod, root, unset, overridden]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/by-pod"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/root"), Status::Fail);
        assert_eq!(status_of(&found, "test/shop/Pod/unset"), Status::Fail);
        assert_eq!(status_of(&found, "test/shop/Pod/overridden"), Status::Fail);
        assert!(found.iter().any(|f| f.message == "container app runs as root (runAsUser: 0)"));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
