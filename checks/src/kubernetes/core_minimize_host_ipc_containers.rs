use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No workload's pods share the node's IPC namespace (`spec.hostIPC: true`).
    /// ## Why it matters
    /// Practice served: no privileged containers. A pod in the host's IPC namespace reads and writes the shared memory and message queues of every process on the node.
    /// Pod Security Standards (baseline) forbid it.
    /// ## Remediation
    /// Remove `hostIPC: true` from the pod template. A node agent that truly needs it
    /// (a CNI plugin, a monitoring daemon) belongs in a system namespace, where its finding
    /// is reported apart, or is muted with a reason.
    /// ## References
    /// - Prowler, check core_minimize_hostIPC_containers (same meaning; Rampart's ids are lowercase)
    /// - CIS Kubernetes Benchmark, control 5.2.4
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static CHECK = {
        id: "core_minimize_host_ipc_containers",
        title: "Kubernetes workloads do not share the node's IPC namespace",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_workloads(account, ctx, out, "does not share the node's IPC namespace", |pod| {
        if pod.host_ipc { vec!["shares the node's IPC namespace (hostIPC: true)".to_string()] } else { Vec::new() }
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
        let mut shared = owned_by(good_pod("shop", "agent-x1"), "DaemonSet", "agent");
        shared.host_ipc = true;
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), shared]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/DaemonSet/agent"), Status::Fail);
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
