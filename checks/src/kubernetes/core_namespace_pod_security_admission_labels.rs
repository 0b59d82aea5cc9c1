use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every namespace carries the Pod Security Admission label
    /// `pod-security.kubernetes.io/enforce` with the level `baseline` or `restricted`.
    /// A namespace with no `enforce` label, or with `privileged`, fails (the `warn` and
    /// `audit` labels are named in the message but enforce nothing). System namespaces,
    /// which often need `privileged`, are reported apart.
    /// ## Why it matters
    /// Practice served: the pod `securityContext` and no privileged containers, enforced by
    /// the cluster. Pod Security Admission is the built-in admission controller that refuses
    /// pods breaking the Pod Security Standards: with `enforce: restricted`, a pod that runs
    /// as root, escalates privileges, keeps capabilities or shares the host's namespaces is
    /// never created, whatever its manifest says.
    /// ## Remediation
    /// `kubectl label namespace <ns> pod-security.kubernetes.io/enforce=restricted` (or
    /// `baseline` where restricted is not yet met; try it first with `--dry-run=server`, and
    /// with the `warn` label to see what would be refused).
    /// ## References
    /// - CIS Kubernetes Benchmark, control 5.2.1
    /// - https://kubernetes.io/docs/concepts/security/pod-security-admission/
    pub static CHECK = {
        id: "core_namespace_pod_security_admission_labels",
        title: "Kubernetes namespaces enforce a Pod Security Standard",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesNamespaces],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let namespaces = match &account.kubernetes.namespaces {
        Collected::Known(namespaces) => namespaces,
        Collected::Unknown(why) => {
            return out.error(super::cluster_resource(account), format!("the namespaces could not be listed: {why}"));
        }
    };
    for ns in namespaces {
        let system = super::is_system_namespace(&ns.name, ctx);
        let resource = super::namespace_resource(account, &ns.name, system);
        let level = |mode: &str| ns.pod_security.get(mode).map(|l| l.trim().to_ascii_lowercase());
        let others: Vec<String> =
            ["warn", "audit"].iter().filter_map(|m| level(m).map(|l| format!("{m}: {}", l.escape_debug()))).collect();
        let others = if others.is_empty() { String::new() } else { format!(" ({})", others.join(", ")) };
        let (pass, message) = match level("enforce").as_deref() {
            Some(l @ ("baseline" | "restricted")) => (true, format!("enforces the {l} Pod Security Standard{others}")),
            Some("privileged") => (false, format!("enforces only the privileged Pod Security Standard (no restriction){others}")),
            Some(other) => (false, format!("has an unknown enforce level {:?}, which enforces nothing useful{others}", other)),
            None => (false, format!("has no pod-security.kubernetes.io/enforce label{others}")),
        };
        let message = super::in_namespace(&ns.name, system, message);
        if pass { out.pass(resource, message) } else { out.fail(resource, message) }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::kubernetes::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = cluster();
        account.kubernetes.namespaces = Collected::Known(vec![
            namespace("shop", &[("enforce", "restricted")]),
            namespace("legacy", &[("enforce", "baseline"), ("warn", "restricted")]),
            namespace("open", &[("warn", "restricted")]),
            namespace("wide", &[("enforce", "privileged")]),
            namespace("kube-system", &[]),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop"), Status::Pass);
        assert_eq!(status_of(&found, "test/legacy"), Status::Pass);
        assert_eq!(status_of(&found, "test/open"), Status::Fail);
        assert_eq!(status_of(&found, "test/wide"), Status::Fail);
        assert_eq!(status_of(&found, "test/kube-system"), Status::Fail);
        let open = found.iter().find(|f| f.resource.id == "test/open").unwrap();
        assert_eq!(open.message, "has no pod-security.kubernetes.io/enforce label (warn: restricted)");
        let system = found.iter().find(|f| f.resource.id == "test/kube-system").unwrap();
        assert_eq!(system.resource.kind, "KubernetesSystemNamespace");

        account.kubernetes.namespaces = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
