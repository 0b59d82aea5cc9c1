use std::collections::BTreeSet;

use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every namespace that runs pods has a default-deny NetworkPolicy: one whose
    /// `podSelector` is empty (it selects every pod of the namespace), whose `policyTypes`
    /// include `Ingress`, and that has no ingress rule, so that only traffic another policy
    /// allows reaches the pods. The message says whether egress is denied by default too.
    /// ## Why it matters
    /// Practice served: network policies. Without a policy that selects it, a pod accepts
    /// connections from every pod of the cluster: one compromised workload reaches every
    /// database and internal API. A default deny turns the cluster's network from open to
    /// allow-listed, namespace by namespace. (Policies are enforced only where the network
    /// plugin enforces them: the VPC CNI with network policies enabled, Calico, Cilium.)
    /// ## Remediation
    /// Apply, in each application namespace, a policy such as
    /// `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny},
    /// spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}`, then policies that allow
    /// the flows each workload needs (and DNS egress to `kube-system`).
    /// ## References
    /// - CIS Kubernetes Benchmark, control 5.3.2
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
    pub static CHECK = {
        id: "core_namespace_default_deny_network_policy",
        title: "Kubernetes namespaces with workloads have a default-deny network policy",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesNetworkPolicies],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let k8s = &account.kubernetes;
    let pods = match &k8s.pods {
        Collected::Known(pods) => pods,
        Collected::Unknown(why) => return out.error(super::cluster_resource(account), format!("the pods could not be listed: {why}")),
    };
    let namespaces: BTreeSet<&str> = pods.iter().map(|p| p.namespace.as_str()).collect();
    for namespace in namespaces {
        let system = super::is_system_namespace(namespace, ctx);
        let resource = super::namespace_resource(account, namespace, system);
        let policies = match &k8s.network_policies {
            Collected::Known(policies) => policies,
            Collected::Unknown(why) => {
                out.error(resource, super::in_namespace(namespace, system, format!("the network policies could not be listed: {why}")));
                continue;
            }
        };
        let of: Vec<_> = policies.iter().filter(|p| p.namespace == namespace).collect();
        let ingress = of.iter().find(|p| p.denies_all("Ingress"));
        let egress = of.iter().any(|p| p.denies_all("Egress"));
        let message = match ingress {
            Some(p) if egress => format!("network policy {} denies ingress by default, and egress is denied by default", p.name),
            Some(p) => format!("network policy {} denies ingress by default (egress is not denied by default)", p.name),
            None if of.is_empty() => "runs pods and has no network policy: every pod accepts traffic from anywhere".to_string(),
            None => format!("runs pods and none of its {} network policies denies ingress to every pod by default", of.len()),
        };
        let message = super::in_namespace(namespace, system, message);
        if ingress.is_some() { out.pass(resource, message) } else { out.fail(resource, message) }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::kubernetes::NetworkPolicy;
    use crate::kubernetes::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = with_pods(
            cluster(),
            vec![good_pod("shop", "a"), good_pod("open", "b"), good_pod("partial", "c"), good_pod("kube-system", "dns")],
        );
        let narrow = NetworkPolicy {
            namespace: "partial".into(),
            name: "web-only".into(),
            selects_all_pods: false,
            policy_types: Some(vec!["Ingress".into()]),
            ..Default::default()
        };
        // No policyTypes: Ingress is implied, and no rule means deny.
        let implied = NetworkPolicy { namespace: "kube-system".into(), name: "deny".into(), selects_all_pods: true, ..Default::default() };
        account.kubernetes.network_policies = Collected::Known(vec![default_deny("shop", true), narrow, implied]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "test/shop"), Status::Pass);
        assert_eq!(status_of(&found, "test/open"), Status::Fail);
        assert_eq!(status_of(&found, "test/partial"), Status::Fail);
        assert_eq!(status_of(&found, "test/kube-system"), Status::Pass);
        let system = found.iter().find(|f| f.resource.id == "test/kube-system").unwrap();
        assert_eq!(system.resource.kind, "KubernetesSystemNamespace");
        assert!(system.message.starts_with("system namespace kube-system: "), "{}", system.message);

        account.kubernetes.network_policies = denied();
        assert!(run(&CHECK, &account).iter().all(|f| f.status == Status::Error));
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }
}
