//! The Kubernetes API's objects, as far as the checks read them, and their translation into
//! the inventory's model. Every field is optional on the wire: a missing one reads as its
//! Kubernetes default, and an object of the wrong shape fails its whole listing (an ERROR),
//! never the audit.

use std::collections::BTreeMap;

use rampart_checks::inventory::kubernetes as inv;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub owner_references: Option<Vec<OwnerReference>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerReference {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

impl ObjectMeta {
    fn namespace(&self) -> String {
        self.namespace.clone().unwrap_or_default()
    }

    /// The controller among the owners (`controller: true`), else the only owner.
    fn owner(&self) -> Option<inv::OwnerRef> {
        let owners = self.owner_references.as_deref().unwrap_or_default();
        let owner = owners.iter().find(|o| o.controller == Some(true)).or(match owners {
            [only] => Some(only),
            _ => None,
        })?;
        Some(inv::OwnerRef { kind: owner.kind.clone(), name: owner.name.clone() })
    }
}

/// Any object read only for its metadata (a ReplicaSet, a Job, a Namespace).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Object {
    pub metadata: ObjectMeta,
}

impl Object {
    pub fn into_owned(self) -> inv::Owned {
        inv::Owned { namespace: self.metadata.namespace(), owner: self.metadata.owner(), name: self.metadata.name }
    }

    /// A namespace, with only its Pod Security Admission labels.
    pub fn into_namespace(self) -> inv::Namespace {
        const PREFIX: &str = "pod-security.kubernetes.io/";
        let pod_security = self
            .metadata
            .labels
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| k.strip_prefix(PREFIX).map(|mode| (mode.to_string(), v)))
            .collect();
        inv::Namespace { name: self.metadata.name, pod_security }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    pub host_network: Option<bool>,
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<bool>,
    pub security_context: Option<PodSecurityContext>,
    pub containers: Option<Vec<Container>>,
    pub init_containers: Option<Vec<Container>>,
    pub ephemeral_containers: Option<Vec<Container>>,
    pub volumes: Option<Vec<Volume>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSecurityContext {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub image: Option<String>,
    pub security_context: Option<SecurityContext>,
    pub resources: Option<Resources>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecurityContext {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub read_only_root_filesystem: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub privileged: Option<bool>,
    pub capabilities: Option<Capabilities>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    pub add: Option<Vec<String>>,
    pub drop: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Resources {
    pub limits: Option<BTreeMap<String, Quantity>>,
}

/// A quantity: `"500m"`, or a bare number (`2`), which some clients write.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Quantity {
    Text(String),
    Number(serde_json::Number),
}

impl Quantity {
    fn text(&self) -> String {
        match self {
            Quantity::Text(t) => t.clone(),
            Quantity::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    pub host_path: Option<HostPath>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HostPath {
    pub path: String,
}

impl Pod {
    pub fn into_inventory(self) -> inv::Pod {
        let spec = self.spec;
        let sc = spec.security_context.unwrap_or_default();
        let lists = [
            (inv::ContainerKind::Container, spec.containers),
            (inv::ContainerKind::Init, spec.init_containers),
            (inv::ContainerKind::Ephemeral, spec.ephemeral_containers),
        ];
        let containers = lists.into_iter().flat_map(|(kind, list)| list.unwrap_or_default().into_iter().map(move |c| c.into_inventory(kind))).collect();
        inv::Pod {
            namespace: self.metadata.namespace(),
            owner: self.metadata.owner(),
            name: self.metadata.name,
            host_network: spec.host_network.unwrap_or(false),
            host_pid: spec.host_pid.unwrap_or(false),
            host_ipc: spec.host_ipc.unwrap_or(false),
            security_context: inv::PodSecurityContext {
                run_as_non_root: sc.run_as_non_root,
                run_as_user: sc.run_as_user,
                run_as_group: sc.run_as_group,
                fs_group: sc.fs_group,
            },
            containers,
            host_path_volumes: spec
                .volumes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.host_path.map(|h| (v.name, h.path)))
                .collect(),
        }
    }
}

impl Container {
    fn into_inventory(self, kind: inv::ContainerKind) -> inv::Container {
        let sc = self.security_context.unwrap_or_default();
        let caps = sc.capabilities.unwrap_or_default();
        let limits = self.resources.and_then(|r| r.limits).unwrap_or_default();
        inv::Container {
            name: self.name,
            kind,
            image: self.image.unwrap_or_default(),
            security_context: inv::SecurityContext {
                run_as_non_root: sc.run_as_non_root,
                run_as_user: sc.run_as_user,
                read_only_root_filesystem: sc.read_only_root_filesystem,
                allow_privilege_escalation: sc.allow_privilege_escalation,
                privileged: sc.privileged,
                capabilities_add: caps.add.unwrap_or_default(),
                capabilities_drop: caps.drop.unwrap_or_default(),
            },
            cpu_limit: limits.get("cpu").map(Quantity::text),
            memory_limit: limits.get("memory").map(Quantity::text),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NetworkPolicy {
    pub metadata: ObjectMeta,
    pub spec: NetworkPolicySpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NetworkPolicySpec {
    pub pod_selector: Option<LabelSelector>,
    pub policy_types: Option<Vec<String>>,
    pub ingress: Option<Vec<serde_json::Value>>,
    pub egress: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: Option<BTreeMap<String, String>>,
    pub match_expressions: Option<Vec<serde_json::Value>>,
}

impl NetworkPolicy {
    pub fn into_inventory(self) -> inv::NetworkPolicy {
        let spec = self.spec;
        // An absent selector is the empty one: every pod of the namespace.
        let selects_all_pods = spec.pod_selector.as_ref().is_none_or(|s| {
            s.match_labels.as_ref().is_none_or(BTreeMap::is_empty) && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
        });
        inv::NetworkPolicy {
            namespace: self.metadata.namespace(),
            name: self.metadata.name,
            selects_all_pods,
            policy_types: spec.policy_types,
            ingress_rules: spec.ingress.map_or(0, |r| r.len()),
            egress_rules: spec.egress.map_or(0, |r| r.len()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleBinding {
    pub metadata: ObjectMeta,
    pub role_ref: RoleRef,
    pub subjects: Option<Vec<Subject>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleRef {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Subject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

impl RoleBinding {
    pub fn into_inventory(self) -> inv::RoleBinding {
        inv::RoleBinding {
            namespace: self.metadata.namespace.filter(|n| !n.is_empty()),
            name: self.metadata.name,
            role_kind: self.role_ref.kind,
            role_name: self.role_ref.name,
            subjects: self
                .subjects
                .unwrap_or_default()
                .into_iter()
                .map(|s| inv::Subject { kind: s.kind, name: s.name, namespace: s.namespace.filter(|n| !n.is_empty()) })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_reads_as_the_inventory_says_it() {
        let pod: Pod = serde_json::from_str(
            r#"{"metadata":{"name":"web-1","namespace":"shop","ownerReferences":[{"kind":"Node","name":"n"},{"kind":"ReplicaSet","name":"web","controller":true}]},
            "spec":{"hostPID":true,"securityContext":{"runAsUser":1000,"fsGroup":2000},
            "containers":[{"name":"app","image":"nginx","resources":{"limits":{"cpu":2,"memory":"1Gi"}},
              "securityContext":{"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true}}],
            "initContainers":[{"name":"init"}],
            "volumes":[{"name":"sock","hostPath":{"path":"/run/containerd.sock"}},{"name":"tmp","emptyDir":{}}],
            "unknownField":{"x":1}}}"#,
        )
        .unwrap();
        let pod = pod.into_inventory();
        assert_eq!(pod.owner, Some(inv::OwnerRef { kind: "ReplicaSet".into(), name: "web".into() }));
        assert!(pod.host_pid && !pod.host_network);
        assert_eq!(pod.security_context.fs_group, Some(2000));
        assert_eq!(pod.containers.len(), 2);
        assert_eq!(pod.containers[0].cpu_limit.as_deref(), Some("2"));
        assert_eq!(pod.containers[0].security_context.capabilities_drop, ["ALL"]);
        assert_eq!(pod.containers[1].kind, inv::ContainerKind::Init);
        assert_eq!(pod.host_path_volumes, [("sock".to_string(), "/run/containerd.sock".to_string())]);
        // The wrong type for a field is an error of the listing, not a default.
        assert!(serde_json::from_str::<Pod>(r#"{"spec":{"hostNetwork":"yes"}}"#).is_err());
    }

    #[test]
    fn policies_and_namespaces_keep_what_the_checks_read() {
        let p: NetworkPolicy = serde_json::from_str(r#"{"metadata":{"name":"d","namespace":"a"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}"#).unwrap();
        let p = p.into_inventory();
        assert!(p.selects_all_pods && p.denies_all("Ingress") && !p.denies_all("Egress"));
        let p: NetworkPolicy =
            serde_json::from_str(r#"{"metadata":{"name":"w"},"spec":{"podSelector":{"matchLabels":{"app":"w"}},"ingress":[{}]}}"#).unwrap();
        assert!(!p.into_inventory().selects_all_pods);
        let ns: Object = serde_json::from_str(
            r#"{"metadata":{"name":"a","labels":{"pod-security.kubernetes.io/enforce":"restricted","team":"x"}}}"#,
        )
        .unwrap();
        let ns = ns.into_namespace();
        assert_eq!(ns.pod_security.into_iter().collect::<Vec<_>>(), [("enforce".to_string(), "restricted".to_string())]);
    }
}
