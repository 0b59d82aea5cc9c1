use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload sets `allowPrivilegeEscalation: false` in its
    /// `securityContext`. Unset counts as allowed: that is Kubernetes' default.
    /// ## Why it matters
    /// Practice served: the container `securityContext` with
    /// `allowPrivilegeEscalation: false`. It sets `no_new_privs` on the process, so that a
    /// setuid binary or file capabilities in the image cannot raise a compromised process
    /// above the privileges it started with. Pod Security Standards (restricted) require it.
    /// ## Remediation
    /// Add `allowPrivilegeEscalation: false` to the `securityContext` of each container (and
    /// init container) of the pod template.
    /// ## References
    /// - Prowler, check core_minimize_allowPrivilegeEscalation_containers (same meaning; Rampart's ids are lowercase)
    /// - CIS Kubernetes Benchmark, control 5.2.6
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static CHECK = {
        id: "core_minimize_allow_privilege_escalation_containers",
        title: "Kubernetes workloads forbid privilege escalation in every container",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_containers(account, ctx, out, "every container sets allowPrivilegeEscalation: false", |_, c| {
        match c.security_context.allow_privilege_escalation {
            Some(false) => None,
            Some(true) => Some("sets allowPrivilegeEscalation: true".to_string()),
            None => Some("does not set allowPrivilegeEscalation: false".to_string()),
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
        let mut unset = good_pod("shop", "unset");
        unset.containers[0].security_context.allow_privilege_escalation = None;
        let mut allowed = good_pod("shop", "allowed");
        allowed.containers[0].security_context.allow_privilege_escalation = Some(true);
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), unset, allowed]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/unset"), Status::Fail);
        assert_eq!(status_of(&found, "test/shop/Pod/allowed"), Status::Fail);
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
