use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::kubernetes::RoleBinding;
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The ClusterRole `cluster-admin` is bound (by a ClusterRoleBinding, or by a RoleBinding
    /// in one namespace) only to named groups: every subject of such a binding is a `Group`,
    /// and none of the groups every identity belongs to (`system:authenticated`,
    /// `system:unauthenticated`, `system:serviceaccounts`, `system:serviceaccounts:<ns>`).
    /// A binding to a `User` or a `ServiceAccount` fails. With no such binding at all, the
    /// cluster passes.
    /// ## Why it matters
    /// Practice served: RBAC. `cluster-admin` can do anything to every object, secrets
    /// included. Granted to a group, it follows who is in the group (an identity provider's
    /// group, an EKS access entry) and is reviewed there; granted to a user it outlives their
    /// role, and granted to a service account it is one stolen pod token away from the
    /// whole cluster.
    /// ## Remediation
    /// Bind `cluster-admin` to an administrators' group of your identity provider instead
    /// (`kubectl create clusterrolebinding admins --clusterrole=cluster-admin --group=<group>`),
    /// delete the bindings to users and service accounts, and give workloads a Role with the
    /// verbs and resources they use.
    /// ## References
    /// - Prowler, check rbac_cluster_admin_usage (which reports every such binding as MANUAL)
    /// - CIS Kubernetes Benchmark, control 5.1.1
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
    pub static CHECK = {
        id: "rbac_cluster_admin_usage",
        title: "The cluster-admin role is bound only to named groups",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::KubernetesClusterRoleBindings, Source::KubernetesRoleBindings],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let k8s = &account.kubernetes;
    let mut judged = 0;
    let mut unread = Vec::new();
    for (list, what) in [(&k8s.cluster_role_bindings, "cluster role bindings"), (&k8s.role_bindings, "role bindings")] {
        let bindings = match list {
            Collected::Known(b) => b,
            Collected::Unknown(why) => {
                unread.push(format!("the {what} could not be listed: {why}"));
                continue;
            }
        };
        for b in bindings.iter().filter(|b| b.role_kind == "ClusterRole" && b.role_name == "cluster-admin") {
            judged += 1;
            judge(account, ctx, b, out);
        }
    }
    // The bindings that could not be read are one ERROR for the cluster: some binding of
    // cluster-admin may be among them.
    if !unread.is_empty() {
        out.error(super::cluster_resource(account), unread.join("; "));
    } else if judged == 0 {
        out.pass(super::cluster_resource(account), "no binding grants cluster-admin");
    }
}

fn judge(account: &AccountInventory, ctx: &Context<'_>, b: &RoleBinding, out: &mut Findings) {
    let (kind, system) = match &b.namespace {
        Some(ns) => ("RoleBinding", super::is_system_namespace(ns, ctx)),
        None => ("ClusterRoleBinding", false),
    };
    let resource = super::object_resource(account, b.namespace.as_deref(), kind, &b.name, "KubernetesRoleBinding");
    let wrong: Vec<String> = b
        .subjects
        .iter()
        .filter(|s| s.kind != "Group" || broad(&s.name))
        .map(|s| match (&s.kind[..], &s.namespace) {
            ("Group", _) => format!("group {} (every identity of its kind)", s.name.escape_debug()),
            ("ServiceAccount", Some(ns)) => format!("service account {}/{}", ns.escape_debug(), s.name.escape_debug()),
            (kind, _) => format!("{} {}", kind.to_ascii_lowercase().escape_debug(), s.name.escape_debug()),
        })
        .collect();
    let message = if wrong.is_empty() {
        let groups: Vec<String> = b.subjects.iter().map(|s| s.name.escape_debug().to_string()).collect();
        format!("binds cluster-admin to named groups only: {}", if groups.is_empty() { "none".into() } else { groups.join(", ") })
    } else {
        format!("binds cluster-admin to {}", wrong.join(", "))
    };
    let message = match &b.namespace {
        Some(ns) => super::in_namespace(ns, system, message),
        None => message,
    };
    if wrong.is_empty() { out.pass(resource, message) } else { out.fail(resource, message) }
}

/// Groups that hold every identity of a kind: binding them is binding everyone.
fn broad(group: &str) -> bool {
    matches!(group, "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts")
        || group.starts_with("system:serviceaccounts:")
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
        account.kubernetes.cluster_role_bindings = Collected::Known(vec![
            binding(None, "cluster-admin", "cluster-admin", &[("Group", "system:masters")]),
            binding(None, "alice-admin", "cluster-admin", &[("User", "alice")]),
            binding(None, "everyone", "cluster-admin", &[("Group", "system:authenticated")]),
            binding(None, "viewers", "view", &[("User", "bob")]),
        ]);
        account.kubernetes.role_bindings =
            Collected::Known(vec![binding(Some("ci"), "deployer", "cluster-admin", &[("ServiceAccount", "deployer")])]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/ClusterRoleBinding/cluster-admin"), Status::Pass);
        assert_eq!(status_of(&found, "test/ClusterRoleBinding/alice-admin"), Status::Fail);
        assert_eq!(status_of(&found, "test/ClusterRoleBinding/everyone"), Status::Fail);
        assert_eq!(status_of(&found, "test/ci/RoleBinding/deployer"), Status::Fail);
        assert_eq!(found.len(), 4, "the binding of view is not judged");
        assert!(found.iter().any(|f| f.message == "binds cluster-admin to service account default/deployer"));

        account.kubernetes.cluster_role_bindings = Collected::Known(Vec::new());
        account.kubernetes.role_bindings = Collected::Known(Vec::new());
        assert_eq!(verdict(&CHECK, &account), (Status::Pass, "no binding grants cluster-admin".to_string()));

        account.kubernetes.role_bindings = denied();
        let (status, message) = verdict(&CHECK, &account);
        assert_eq!(status, Status::Error);
        assert!(message.starts_with("the role bindings could not be listed"), "{message}");
        account.kubernetes.cluster_role_bindings = denied();
        let (status, message) = verdict(&CHECK, &account);
        assert_eq!(status, Status::Error, "one ERROR for both");
        assert!(message.contains("the cluster role bindings could not") && message.contains("; the role bindings could not"), "{message}");
    }
}
