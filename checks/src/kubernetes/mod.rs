//! Kubernetes checks: the workloads, namespaces and RBAC bindings of one cluster, read
//! through its API by `rampart audit --kubernetes` (measure: containers).
//!
//! A workload is judged once, not once per replica: a pod is judged as the controller that
//! owns it, a ReplicaSet's pods as its Deployment and a Job's as its CronJob (when those
//! listings could be read; otherwise as the ReplicaSet or the Job). A workload fails when any
//! of its pods does, and its message names each container at fault once.
//!
//! The system namespaces (`kube-system`, `kube-public`, `kube-node-lease`, and those of
//! `[kubernetes] system_namespaces` in the configuration) are reported apart, never dropped:
//! their findings carry the resource types `KubernetesSystemWorkload` and
//! `KubernetesSystemNamespace`, and their messages begin with "system namespace".

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::finding::Resource;
use crate::inventory::kubernetes::{Container, ContainerKind, KubernetesInventory, Owned, OwnerRef, Pod};
use crate::inventory::{AccountInventory, Collected, Collector};
use crate::registry::{Check, Context, Findings};

mod core_cpu_limits_set;
mod core_image_digest_or_trusted_registry;
mod core_memory_limits_set;
mod core_minimize_allow_privilege_escalation_containers;
mod core_minimize_containers_capabilities_assigned;
mod core_minimize_host_ipc_containers;
mod core_minimize_host_network_containers;
mod core_minimize_host_pid_containers;
mod core_minimize_hostpath_volume_mounts;
mod core_minimize_privileged_containers;
mod core_minimize_root_containers_admission;
mod core_namespace_default_deny_network_policy;
mod core_namespace_pod_security_admission_labels;
mod core_readonly_root_filesystem_enabled;
mod rbac_cluster_admin_usage;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &core_minimize_privileged_containers::CHECK,
    &core_minimize_root_containers_admission::CHECK,
    &core_minimize_allow_privilege_escalation_containers::CHECK,
    &core_readonly_root_filesystem_enabled::CHECK,
    &core_minimize_containers_capabilities_assigned::CHECK,
    &core_minimize_host_network_containers::CHECK,
    &core_minimize_host_pid_containers::CHECK,
    &core_minimize_host_ipc_containers::CHECK,
    &core_minimize_hostpath_volume_mounts::CHECK,
    &core_cpu_limits_set::CHECK,
    &core_memory_limits_set::CHECK,
    &core_image_digest_or_trusted_registry::CHECK,
    &core_namespace_default_deny_network_policy::CHECK,
    &core_namespace_pod_security_admission_labels::CHECK,
    &rbac_cluster_admin_usage::CHECK,
];

/// Whether a check judges a Kubernetes cluster (it reads the Kubernetes API): such checks run
/// in `rampart audit --kubernetes` and in no audit of AWS.
pub fn is_cluster_check(check: &Check) -> bool {
    check.reads.iter().any(|s| s.collector() == Collector::Kubernetes)
}

/// The namespaces every cluster has for its own components.
pub const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// Whether `namespace` is a system namespace: one of [`SYSTEM_NAMESPACES`] or of the
/// configuration's `[kubernetes] system_namespaces`.
pub fn is_system_namespace(namespace: &str, ctx: &Context<'_>) -> bool {
    SYSTEM_NAMESPACES.contains(&namespace) || ctx.config.kubernetes.system_namespaces.iter().any(|n| n == namespace)
}

/// The cluster's name in resource ids ("cluster" when the inventory does not say).
fn cluster_name(k8s: &KubernetesInventory) -> &str {
    k8s.cluster.as_ref().map(|c| c.name.as_str()).filter(|n| !n.is_empty()).unwrap_or("cluster")
}

/// The region of the findings: the EKS cluster's, when the audit knows it.
fn region(account: &AccountInventory) -> Option<String> {
    account.regions.first().cloned()
}

/// The cluster itself, as the resource of a finding (what could not be listed, a summary).
pub(crate) fn cluster_resource(account: &AccountInventory) -> Resource {
    let k8s = &account.kubernetes;
    Resource {
        id: cluster_name(k8s).to_string(),
        arn: k8s.cluster.as_ref().and_then(|c| c.arn.clone()),
        kind: "KubernetesCluster",
        region: region(account),
    }
}

/// A namespace as the resource of a finding.
pub(crate) fn namespace_resource(account: &AccountInventory, namespace: &str, system: bool) -> Resource {
    Resource {
        id: format!("{}/{namespace}", cluster_name(&account.kubernetes)),
        arn: None,
        kind: if system { "KubernetesSystemNamespace" } else { "KubernetesNamespace" },
        region: region(account),
    }
}

/// A namespaced or cluster-wide object (a binding) as the resource of a finding.
pub(crate) fn object_resource(account: &AccountInventory, namespace: Option<&str>, kind: &str, name: &str, resource_kind: &'static str) -> Resource {
    let cluster = cluster_name(&account.kubernetes);
    let id = match namespace {
        Some(ns) => format!("{cluster}/{ns}/{kind}/{name}"),
        None => format!("{cluster}/{kind}/{name}"),
    };
    Resource { id, arn: None, kind: resource_kind, region: region(account) }
}

/// The message of a finding about an object of `namespace`: prefixed when the namespace is a
/// system one, so that it reads apart in every format.
pub(crate) fn in_namespace(namespace: &str, system: bool, message: impl std::fmt::Display) -> String {
    if system { format!("system namespace {namespace}: {message}") } else { message.to_string() }
}

/// A workload: the pods of one controller (or one bare pod), judged once.
#[derive(Debug)]
pub(crate) struct Workload<'a> {
    pub namespace: &'a str,
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `ReplicaSet`, `Pod`, …
    pub kind: &'a str,
    pub name: &'a str,
    pub pods: Vec<&'a Pod>,
}

/// The workloads of the cluster, in (namespace, kind, name) order: each pod resolved to the
/// controller at the top of its owners (a ReplicaSet to its Deployment, a Job to its CronJob).
/// A ReplicaSet or Job that could not be listed, or is not in the listing, stands for itself.
pub(crate) fn workloads(k8s: &KubernetesInventory) -> Result<Vec<Workload<'_>>, String> {
    let pods = match &k8s.pods {
        Collected::Known(pods) => pods,
        Collected::Unknown(why) => return Err(format!("the pods could not be listed: {why}")),
    };
    let (replica_sets, jobs) = (owners(&k8s.replica_sets), owners(&k8s.jobs));
    let mut groups: BTreeMap<(&str, &str, &str), Vec<&Pod>> = BTreeMap::new();
    for pod in pods {
        let (kind, name) = match &pod.owner {
            None => ("Pod", pod.name.as_str()),
            Some(owner) => {
                let parents = match owner.kind.as_str() {
                    "ReplicaSet" => Some(&replica_sets),
                    "Job" => Some(&jobs),
                    _ => None,
                };
                match parents.and_then(|p| p.get(&(pod.namespace.as_str(), owner.name.as_str()))).copied().flatten() {
                    Some(parent) if matches!(parent.kind.as_str(), "Deployment" | "CronJob") => (parent.kind.as_str(), parent.name.as_str()),
                    _ => (owner.kind.as_str(), owner.name.as_str()),
                }
            }
        };
        groups.entry((pod.namespace.as_str(), kind, name)).or_default().push(pod);
    }
    Ok(groups.into_iter().map(|((namespace, kind, name), pods)| Workload { namespace, kind, name, pods }).collect())
}

/// The owner of each object of a listing, by (namespace, name); empty when it was not read.
fn owners(list: &Collected<Vec<Owned>>) -> HashMap<(&str, &str), Option<&OwnerRef>> {
    list.known()
        .map(|items| items.iter().map(|o| ((o.namespace.as_str(), o.name.as_str()), o.owner.as_ref())).collect())
        .unwrap_or_default()
}

/// How a message names a container: `container app`, `init container setup`.
pub(crate) fn container_label(c: &Container) -> String {
    match c.kind {
        ContainerKind::Container => format!("container {}", c.name),
        ContainerKind::Init => format!("init container {}", c.name),
        ContainerKind::Ephemeral => format!("ephemeral container {}", c.name),
    }
}

/// Judges every workload: `faults` lists what is wrong with one pod (empty when nothing);
/// a workload passes with `pass` when none of its pods has a fault, and fails with the
/// faults of all of them otherwise (each said once). Pods that cannot be listed are one
/// ERROR for the cluster.
pub(crate) fn judge_workloads(
    account: &AccountInventory,
    ctx: &Context<'_>,
    out: &mut Findings,
    pass: &str,
    faults: impl Fn(&Pod) -> Vec<String>,
) {
    let workloads = match workloads(&account.kubernetes) {
        Ok(w) => w,
        Err(why) => return out.error(cluster_resource(account), why),
    };
    for w in workloads {
        let system = is_system_namespace(w.namespace, ctx);
        let kind = if system { "KubernetesSystemWorkload" } else { "KubernetesWorkload" };
        let resource = object_resource(account, Some(w.namespace), w.kind, w.name, kind);
        let mut found = BTreeSet::new();
        for pod in &w.pods {
            found.extend(faults(pod));
        }
        if found.is_empty() {
            out.pass(resource, in_namespace(w.namespace, system, pass));
        } else {
            let list: Vec<String> = found.into_iter().collect();
            out.fail(resource, in_namespace(w.namespace, system, list.join("; ")));
        }
    }
}

/// [`judge_workloads`] for a rule about each container: `fault` says what is wrong with one
/// container of a pod, if anything.
pub(crate) fn judge_containers(
    account: &AccountInventory,
    ctx: &Context<'_>,
    out: &mut Findings,
    pass: &str,
    fault: impl Fn(&Pod, &Container) -> Option<String>,
) {
    judge_workloads(account, ctx, out, pass, |pod| {
        pod.containers.iter().filter_map(|c| fault(pod, c).map(|why| format!("{} {why}", container_label(c)))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::workloads;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::registry::find_check;
    use crate::testing::*;

    #[test]
    fn pods_are_judged_once_per_owning_workload() {
        let mut web2 = owned_by(good_pod("shop", "web-7d9-b"), "ReplicaSet", "web-7d9");
        web2.containers[0].security_context.privileged = Some(true);
        let mut account = with_pods(
            cluster(),
            vec![
                owned_by(good_pod("shop", "web-7d9-a"), "ReplicaSet", "web-7d9"),
                web2,
                owned_by(good_pod("shop", "web-6c1-a"), "ReplicaSet", "web-6c1"),
                owned_by(good_pod("shop", "nightly-29-x"), "Job", "nightly-29"),
                owned_by(good_pod("shop", "orphan-x"), "ReplicaSet", "orphan"),
                owned_by(good_pod("kube-system", "proxy-x"), "DaemonSet", "kube-proxy"),
            ],
        );
        account.kubernetes.replica_sets = Collected::Known(vec![
            owned("shop", "web-7d9", Some(("Deployment", "web"))),
            owned("shop", "web-6c1", Some(("Deployment", "web"))),
            owned("shop", "orphan", None),
        ]);
        account.kubernetes.jobs = Collected::Known(vec![owned("shop", "nightly-29", Some(("CronJob", "nightly")))]);
        let names = |account: &crate::inventory::AccountInventory| -> Vec<String> {
            workloads(&account.kubernetes).unwrap().iter().map(|w| format!("{}/{}/{}:{}", w.namespace, w.kind, w.name, w.pods.len())).collect()
        };
        assert_eq!(
            names(&account),
            ["kube-system/DaemonSet/kube-proxy:1", "shop/CronJob/nightly:1", "shop/Deployment/web:3", "shop/ReplicaSet/orphan:1"]
        );
        // One finding for the Deployment, failing for the one replica that is privileged.
        let found = run(find_check("core_minimize_privileged_containers").unwrap(), &account);
        assert_eq!(status_of(&found, "test/shop/Deployment/web"), Status::Fail);
        let system = found.iter().find(|f| f.resource.id == "test/kube-system/DaemonSet/kube-proxy").unwrap();
        assert_eq!((system.resource.kind, system.message.as_str()), ("KubernetesSystemWorkload", "system namespace kube-system: no privileged container"));

        // Without the ReplicaSets and Jobs, each stands for itself.
        account.kubernetes.replica_sets = denied();
        account.kubernetes.jobs = denied();
        assert_eq!(
            names(&account),
            [
                "kube-system/DaemonSet/kube-proxy:1",
                "shop/Job/nightly-29:1",
                "shop/ReplicaSet/orphan:1",
                "shop/ReplicaSet/web-6c1:1",
                "shop/ReplicaSet/web-7d9:2"
            ]
        );
    }

    #[test]
    fn configured_system_namespaces_are_reported_apart() {
        let account = with_pods(cluster(), vec![good_pod("cert-manager", "x")]);
        let check = find_check("core_cpu_limits_set").unwrap();
        assert_eq!(run(check, &account)[0].resource.kind, "KubernetesWorkload");
        let mut config = crate::Config::default();
        config.kubernetes.system_namespaces = vec!["cert-manager".into()];
        assert_eq!(run_with(check, &account, &config)[0].resource.kind, "KubernetesSystemWorkload");
    }
}
