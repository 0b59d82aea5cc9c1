use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No container of a workload (containers, init and ephemeral containers of its pods)
    /// runs privileged (`securityContext.privileged: true`). Each workload (Deployment,
    /// StatefulSet, DaemonSet, CronJob, Job, bare Pod) is judged once, from its pods.
    /// ## Why it matters
    /// Practice served: no privileged containers. A privileged container has every
    /// capability and the host's devices: a process that escapes it, or simply writes to
    /// `/dev`, owns the node and every pod on it. Pod Security Standards (baseline) forbid it.
    /// ## Remediation
    /// Remove `privileged: true` from the container's `securityContext` and grant only the
    /// capabilities the process needs (`capabilities.add`). Enforce it for the namespace with
    /// `kubectl label namespace <ns> pod-security.kubernetes.io/enforce=baseline` (or
    /// `restricted`).
    /// ## References
    /// - Prowler, check core_minimize_privileged_containers
    /// - CIS Kubernetes Benchmark, control 5.2.2
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static CHECK = {
        id: "core_minimize_privileged_containers",
        title: "Kubernetes workloads run no privileged container",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_containers(account, ctx, out, "no privileged container", |_, c| {
        (c.security_context.privileged == Some(true)).then(|| "is privileged".to_string())
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
        let mut bad = good_pod("shop", "web-1");
        bad.containers[0].security_context.privileged = Some(true);
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), bad]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/web-1"), Status::Fail);
        assert_eq!(found[1].message, "container app is privileged");
        assert_eq!(found[1].resource.kind, "KubernetesWorkload");

        let (status, message) = verdict(&CHECK, &pods_denied());
        assert_eq!(status, Status::Error);
        assert!(message.contains("AccessDenied"), "{message}");
    }
}
