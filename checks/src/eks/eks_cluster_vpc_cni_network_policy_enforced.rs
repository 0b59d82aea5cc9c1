use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

/// Add-ons that bring their own network policy engine (by a word in their name).
const POLICY_ENGINES: &[&str] = &["calico", "cilium", "tigera", "isovalent"];

declare_check! {
    /// ## What it checks
    /// Every EKS cluster enforces Kubernetes NetworkPolicies: the Amazon VPC CNI add-on
    /// (`DescribeAddon vpc-cni`) has `enableNetworkPolicy: "true"` in its configuration
    /// values (JSON or YAML), or an installed add-on (`ListAddons`) is a policy engine
    /// (Calico, Cilium: a name with `calico`, `cilium`, `tigera` or `isovalent`). Anything
    /// else fails, naming what was seen: an engine installed with Helm or manifests is
    /// invisible to the EKS API — mute the finding for that cluster, and let the in-cluster
    /// audit's default-deny check show that policies exist. Prowler's
    /// `eks_cluster_network_policy_enabled` looks only for a cluster security group; this one
    /// looks for what enforces policies.
    /// ## Why it matters
    /// Network policies are a Kubernetes practice: without an engine that enforces them,
    /// every NetworkPolicy object is ignored and every pod can reach every other pod and the
    /// node's metadata endpoint — one compromised pod reaches the whole cluster.
    /// ## Remediation
    /// `aws eks update-addon --cluster-name <name> --addon-name vpc-cni
    /// --configuration-values '{"enableNetworkPolicy":"true"}'` (VPC CNI 1.14 or later, on
    /// Kubernetes 1.25 or later), then write default-deny policies per namespace.
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
    pub static CHECK = {
        id: "eks_cluster_vpc_cni_network_policy_enforced",
        title: "EKS clusters enforce Kubernetes network policies",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EksClusters, Source::EksAddons, Source::EksVpcCniConfiguration],
        eval: evaluate,
    }
}

/// Whether configuration values (JSON, or YAML as the console writes it) turn on network
/// policy enforcement: `Some(bool)` when they say, `None` when they do not mention it.
pub fn network_policy_enabled(values: &str) -> Option<bool> {
    let truthy = |v: &str| v.trim().trim_matches(|c| c == '"' || c == '\'').eq_ignore_ascii_case("true");
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(values) {
        return map.get("enableNetworkPolicy").map(|v| match v {
            serde_json::Value::Bool(b) => *b,
            serde_json::Value::String(s) => truthy(s),
            _ => false,
        });
    }
    // YAML: a top-level `enableNetworkPolicy: "true"` line (comments stripped).
    values.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        if line.starts_with([' ', '\t']) {
            return None;
        }
        let (key, value) = line.split_once(':')?;
        (key.trim().trim_matches(|c| c == '"' || c == '\'') == "enableNetworkPolicy").then(|| truthy(value))
    })
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_cluster(account, out, |_, cluster, resource, out| {
        let addons = match &cluster.addons {
            Collected::Known(a) => a,
            Collected::Unknown(why) => {
                out.error(resource, format!("add-ons could not be listed: {why}"));
                return;
            }
        };
        if let Some(engine) = addons.iter().find(|a| POLICY_ENGINES.iter().any(|w| a.to_ascii_lowercase().contains(w))) {
            out.pass(resource, format!("add-on {engine} enforces network policies"));
            return;
        }
        match &cluster.vpc_cni_configuration {
            Collected::Unknown(why) => out.error(resource, format!("the VPC CNI add-on could not be described: {why}")),
            Collected::Known(None) => out.fail(resource, "neither the VPC CNI add-on nor a policy engine add-on is installed: network policies are not enforced (unless an engine was installed outside EKS add-ons)"),
            Collected::Known(Some(values)) => match network_policy_enabled(values) {
                Some(true) => out.pass(resource, "the VPC CNI enforces network policies (enableNetworkPolicy)"),
                Some(false) => out.fail(resource, "the VPC CNI has enableNetworkPolicy off: network policies are not enforced"),
                None => out.fail(resource, "the VPC CNI does not set enableNetworkPolicy: network policies are not enforced"),
            },
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{CHECK, network_policy_enabled};
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn configuration_values_in_json_or_yaml() {
        assert_eq!(network_policy_enabled(r#"{"enableNetworkPolicy":"true"}"#), Some(true));
        assert_eq!(network_policy_enabled(r#"{"enableNetworkPolicy":true,"env":{}}"#), Some(true));
        assert_eq!(network_policy_enabled(r#"{"enableNetworkPolicy":"false"}"#), Some(false));
        assert_eq!(network_policy_enabled(r#"{"env":{"WARM_IP_TARGET":"5"}}"#), None);
        assert_eq!(network_policy_enabled("enableNetworkPolicy: \"true\"\nenv:\n  X: y\n"), Some(true));
        assert_eq!(network_policy_enabled("env:\n  enableNetworkPolicy: \"true\"\n"), None);
        assert_eq!(network_policy_enabled("# enableNetworkPolicy: true\n"), None);
        assert_eq!(network_policy_enabled(""), None);
    }

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut off = cluster("off");
        off.vpc_cni_configuration = Collected::Known(Some("{}".into()));
        let mut calico = cluster("calico");
        calico.addons = Collected::Known(vec!["vpc-cni".into(), "tigera-operator".into()]);
        calico.vpc_cni_configuration = Collected::Known(Some("{}".into()));
        let mut none = cluster("none");
        none.addons = Collected::Known(vec![]);
        none.vpc_cni_configuration = Collected::Known(None);
        let mut unread = cluster("unread");
        unread.vpc_cni_configuration = denied();
        let mut unlisted = cluster("unlisted");
        unlisted.addons = denied();
        region(&mut account).eks.clusters = Collected::Known(vec![cluster("on"), off, calico, none, unread, unlisted]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Fail, Pass, Fail, Error, Error]);
        region(&mut account).eks.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Error);
    }
}
