//! Builders of Kubernetes inventories for the checks' unit tests.

use crate::inventory::kubernetes::{Cluster, Container, ContainerKind, Namespace, NetworkPolicy, Owned, OwnerRef, Pod, RoleBinding, SecurityContext, Subject};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::denied;

/// An account standing for a cluster named `test`, with nothing listed.
pub fn cluster() -> AccountInventory {
    let mut account = AccountInventory::new("test", "kubernetes", Vec::new());
    account.kubernetes.cluster = Some(Cluster { name: "test".into(), server: "https://127.0.0.1:6443".into(), arn: None });
    account
}

/// A container that meets every workload check.
pub fn good_container(name: &str) -> Container {
    Container {
        name: name.into(),
        kind: ContainerKind::Container,
        image: "registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into(),
        security_context: SecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(1000),
            read_only_root_filesystem: Some(true),
            allow_privilege_escalation: Some(false),
            privileged: Some(false),
            capabilities_add: Vec::new(),
            capabilities_drop: vec!["ALL".into()],
        },
        cpu_limit: Some("500m".into()),
        memory_limit: Some("256Mi".into()),
    }
}

/// A bare pod in `namespace` with one container that meets every workload check.
pub fn good_pod(namespace: &str, name: &str) -> Pod {
    Pod { namespace: namespace.into(), name: name.into(), containers: vec![good_container("app")], ..Pod::default() }
}

/// `pod`, owned by the controller `kind`/`name`.
pub fn owned_by(mut pod: Pod, kind: &str, name: &str) -> Pod {
    pod.owner = Some(OwnerRef { kind: kind.into(), name: name.into() });
    pod
}

/// A ReplicaSet or Job, owned by `owner` (kind, name).
pub fn owned(namespace: &str, name: &str, owner: Option<(&str, &str)>) -> Owned {
    Owned { namespace: namespace.into(), name: name.into(), owner: owner.map(|(k, n)| OwnerRef { kind: k.into(), name: n.into() }) }
}

/// `account` with these pods listed, and empty ReplicaSet and Job listings.
pub fn with_pods(mut account: AccountInventory, pods: Vec<Pod>) -> AccountInventory {
    account.kubernetes.pods = Collected::Known(pods);
    account.kubernetes.replica_sets = Collected::Known(Vec::new());
    account.kubernetes.jobs = Collected::Known(Vec::new());
    account
}

/// A cluster whose pods could not be listed (403).
pub fn pods_denied() -> AccountInventory {
    let mut account = cluster();
    account.kubernetes.pods = denied();
    account
}

/// A namespace with these Pod Security Admission labels (mode, level).
pub fn namespace(name: &str, labels: &[(&str, &str)]) -> Namespace {
    Namespace { name: name.into(), pod_security: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

/// A policy that selects every pod and denies all ingress (and egress, if `egress`).
pub fn default_deny(namespace: &str, egress: bool) -> NetworkPolicy {
    let mut types = vec!["Ingress".to_string()];
    if egress {
        types.push("Egress".into());
    }
    NetworkPolicy { namespace: namespace.into(), name: "default-deny".into(), selects_all_pods: true, policy_types: Some(types), ..Default::default() }
}

/// A binding of `role` (a ClusterRole) to these subjects (kind, name).
pub fn binding(namespace: Option<&str>, name: &str, role: &str, subjects: &[(&str, &str)]) -> RoleBinding {
    RoleBinding {
        namespace: namespace.map(str::to_string),
        name: name.into(),
        role_kind: "ClusterRole".into(),
        role_name: role.into(),
        subjects: subjects
            .iter()
            .map(|(kind, name)| Subject {
                kind: kind.to_string(),
                name: name.to_string(),
                namespace: (*kind == "ServiceAccount").then(|| "default".to_string()),
            })
            .collect(),
    }
}
