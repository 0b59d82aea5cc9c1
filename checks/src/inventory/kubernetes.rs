//! Kubernetes: what one cluster's API answers to `rampart audit --kubernetes`, read once per
//! audit with `list` only. The fields are those the checks read, under the names of the
//! Kubernetes API (snake_case here); each listing is a [`Collected`], so that a listing the
//! audit's identity may not make (HTTP 403) or that the cluster does not serve (404) is
//! `Unknown` with the reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Collected;

/// What one cluster holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct KubernetesInventory {
    /// Which cluster was read; `None` when none was (an audit of AWS).
    pub cluster: Option<Cluster>,
    /// GET /api/v1/pods.
    pub pods: Collected<Vec<Pod>>,
    /// GET /apis/apps/v1/replicasets: the owner of each, so that the pods of a Deployment are
    /// judged once, as the Deployment.
    pub replica_sets: Collected<Vec<Owned>>,
    /// GET /apis/batch/v1/jobs: the owner of each, so that the pods of a CronJob are judged
    /// once, as the CronJob.
    pub jobs: Collected<Vec<Owned>>,
    /// GET /api/v1/namespaces.
    pub namespaces: Collected<Vec<Namespace>>,
    /// GET /apis/networking.k8s.io/v1/networkpolicies.
    pub network_policies: Collected<Vec<NetworkPolicy>>,
    /// GET /apis/rbac.authorization.k8s.io/v1/clusterrolebindings.
    pub cluster_role_bindings: Collected<Vec<RoleBinding>>,
    /// GET /apis/rbac.authorization.k8s.io/v1/rolebindings.
    pub role_bindings: Collected<Vec<RoleBinding>>,
}

/// The cluster an inventory was read from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cluster {
    /// The kubeconfig's cluster name, the EKS cluster's name, or `in-cluster`.
    pub name: String,
    /// The API server's URL.
    pub server: String,
    /// The EKS cluster's ARN, when it was reached through EKS.
    pub arn: Option<String>,
}

/// A reference to the controller that owns an object (`metadata.ownerReferences` with
/// `controller: true`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
}

/// An object listed only for its owner: a ReplicaSet, a Job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owned {
    pub namespace: String,
    pub name: String,
    pub owner: Option<OwnerRef>,
}

/// A pod: what its spec says of privileges, resources and images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    /// Its controller, if any (a ReplicaSet, a StatefulSet, a DaemonSet, a Job, …).
    pub owner: Option<OwnerRef>,
    pub host_network: bool,
    pub host_pid: bool,
    pub host_ipc: bool,
    /// `spec.securityContext`.
    pub security_context: PodSecurityContext,
    /// Containers, init containers and ephemeral containers, in that order.
    pub containers: Vec<Container>,
    /// The volumes of type `hostPath`: (volume name, host path).
    pub host_path_volumes: Vec<(String, String)>,
}

/// `spec.securityContext`: the defaults of every container of the pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PodSecurityContext {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
}

/// Which list of the pod spec a container is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    #[default]
    Container,
    Init,
    Ephemeral,
}

/// One container of a pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Container {
    pub name: String,
    pub kind: ContainerKind,
    pub image: String,
    /// `securityContext`; its fields override the pod's.
    pub security_context: SecurityContext,
    /// `resources.limits.cpu`, as written (`500m`, `2`).
    pub cpu_limit: Option<String>,
    /// `resources.limits.memory`, as written (`256Mi`).
    pub memory_limit: Option<String>,
}

/// A container's `securityContext`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityContext {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub read_only_root_filesystem: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub privileged: Option<bool>,
    /// `capabilities.add`.
    pub capabilities_add: Vec<String>,
    /// `capabilities.drop`.
    pub capabilities_drop: Vec<String>,
}

/// A namespace and its Pod Security Admission labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Namespace {
    pub name: String,
    /// The labels `pod-security.kubernetes.io/<mode>` (and `<mode>-version`), by the part
    /// after the slash: `enforce` → `restricted`. No other label is kept.
    pub pod_security: BTreeMap<String, String>,
}

/// A NetworkPolicy, as far as telling a default deny goes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkPolicy {
    pub namespace: String,
    pub name: String,
    /// Whether `spec.podSelector` is empty (selects every pod of the namespace).
    pub selects_all_pods: bool,
    /// `spec.policyTypes` as written; `None` when absent (Kubernetes then takes `Ingress`,
    /// and `Egress` when there are egress rules).
    pub policy_types: Option<Vec<String>>,
    /// `spec.ingress`: how many rules.
    pub ingress_rules: usize,
    /// `spec.egress`: how many rules.
    pub egress_rules: usize,
}

impl NetworkPolicy {
    /// The directions the policy governs, as Kubernetes reads `policyTypes`.
    pub fn governs(&self, direction: &str) -> bool {
        match &self.policy_types {
            Some(types) => types.iter().any(|t| t.eq_ignore_ascii_case(direction)),
            None => direction.eq_ignore_ascii_case("ingress") || (direction.eq_ignore_ascii_case("egress") && self.egress_rules > 0),
        }
    }

    /// Whether it denies every `direction` ("Ingress", "Egress") traffic to every pod of its
    /// namespace that no other policy allows: it selects every pod, governs the direction,
    /// and has no rule for it.
    pub fn denies_all(&self, direction: &str) -> bool {
        let rules = if direction.eq_ignore_ascii_case("ingress") { self.ingress_rules } else { self.egress_rules };
        self.selects_all_pods && self.governs(direction) && rules == 0
    }
}

/// A ClusterRoleBinding (no namespace) or a RoleBinding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleBinding {
    pub namespace: Option<String>,
    pub name: String,
    /// `roleRef.kind`: `ClusterRole` or `Role`.
    pub role_kind: String,
    /// `roleRef.name`.
    pub role_name: String,
    pub subjects: Vec<Subject>,
}

/// A subject of a binding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Subject {
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}
