use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload drops every Linux capability
    /// (`securityContext.capabilities.drop` holds `ALL`) and adds none back but
    /// `NET_BIND_SERVICE`, as Pod Security Standards (restricted) allow.
    /// ## Why it matters
    /// Practice served: no privileged containers. The container runtime grants a default set
    /// of capabilities (`NET_RAW`, `CHOWN`, `SETUID`, …) that most processes never use and
    /// that an attacker does: `NET_RAW` spoofs traffic on the node's network, `SETUID` and
    /// `SETGID` change identity. Dropping them all leaves only what the pod asks for.
    /// ## Remediation
    /// Add `capabilities: {drop: ["ALL"]}` to each container's `securityContext`, and
    /// `add: ["NET_BIND_SERVICE"]` only for a process that binds a port below 1024.
    /// ## References
    /// - Prowler, check core_minimize_containers_capabilities_assigned
    /// - CIS Kubernetes Benchmark, controls 5.2.8, 5.2.9 and 5.2.10
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static CHECK = {
        id: "core_minimize_containers_capabilities_assigned",
        title: "Kubernetes workloads drop every capability of their containers",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    super::judge_containers(account, ctx, out, "every container drops all capabilities", |_, c| {
        let sc = &c.security_context;
        let added: Vec<&str> =
            sc.capabilities_add.iter().map(String::as_str).filter(|cap| !cap.eq_ignore_ascii_case("NET_BIND_SERVICE")).collect();
        let drops_all = sc.capabilities_drop.iter().any(|cap| cap.eq_ignore_ascii_case("ALL"));
        match (drops_all, added.is_empty()) {
            (true, true) => None,
            (true, false) => Some(format!("adds capabilities {}", added.join(", "))),
            (false, true) => Some("does not drop ALL capabilities".to_string()),
            (false, false) => Some(format!("does not drop ALL capabilities and adds {}", added.join(", "))),
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
        let mut bind = good_pod("shop", "bind");
        bind.containers[0].security_context.capabilities_add = vec!["NET_BIND_SERVICE".into()];
        let mut keeps = good_pod("shop", "keeps");
        keeps.containers[0].security_context.capabilities_drop = vec!["NET_RAW".into()];
        let mut adds = good_pod("shop", "adds");
        adds.containers[0].security_context.capabilities_add = vec!["SYS_ADMIN".into()];
        let account = with_pods(cluster(), vec![good_pod("shop", "ok"), bind, keeps, adds]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop/Pod/ok"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/bind"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/keeps"), Status::Fail);
        assert_eq!(status_of(&found, "test/shop/Pod/adds"), Status::Fail);
        assert!(found.iter().any(|f| f.message == "container app adds capabilities SYS_ADMIN"));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
