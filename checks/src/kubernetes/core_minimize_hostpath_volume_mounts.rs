use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No workload's pods mount a directory of the node (a volume of type `hostPath`).
    /// ## Why it matters
    /// Practice served: no privileged containers. A `hostPath` volume gives the container
    /// the node's files: the container runtime's socket, the kubelet's credentials, `/etc`,
    /// other pods' volumes. Write access to most of them is root on the node. Pod Security
    /// Standards (baseline) forbid `hostPath` volumes.
    /// ## Remediation
    /// Replace the `hostPath` volume with an `emptyDir`, a ConfigMap or Secret volume, or a
    /// PersistentVolumeClaim. A node agent that truly needs the node's files belongs in a
    /// system namespace (reported apart), with the mount `readOnly` and as narrow as can be.
    /// ## References
    /// - Prowler, check core_minimize_hostpath_volume_mounts
    /// - CIS Kubernetes Benchmark, control 5.2.12
    /// - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    pub static CHECK = {
        id: "core_minimize_hostpath_volume_mounts",
        title: "Kubernetes workloads mount no directory of the node",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_workloads(account, ctx, out, "mounts no hostPath volume", |pod| {
        pod.host_path_volumes.iter().map(|(volume, path)| format!("volume {volume} mounts the node's {path}")).collect()
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
        let mut mounts = good_pod("shop", "mounts");
        mounts.host_path_volumes = vec![("docker".into(), "/var/run/docker.sock".into())];
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), mounts]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/mounts"), Status::Fail);
        assert!(found.iter().any(|f| f.message == "volume docker mounts the node's /var/run/docker.sock"));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
