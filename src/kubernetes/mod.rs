//! The in-cluster audit (`rampart audit --kubernetes`): reads one Kubernetes cluster's pods
//! and their owners, namespaces, NetworkPolicies and RBAC bindings through its API, with
//! `GET` (list) requests only, into the inventory the Kubernetes checks judge.
//!
//! The cluster is reached, in this order of preference:
//! - `--eks-cluster NAME`: the EKS cluster's endpoint and certificate authority from
//!   `eks:DescribeCluster` in the first `--region`, and a token presigned with the same AWS
//!   credentials ([`eks`]), as `aws eks get-token` makes one;
//! - a kubeconfig context: `--kube-context`, else the current context, of `KUBECONFIG` or
//!   `~/.kube/config` ([`config`]; bearer token, client certificate, `exec` plugin);
//! - the pod's service account, when the audit runs in the cluster with no kubeconfig
//!   (`KUBERNETES_SERVICE_HOST`).
//!
//! The report's account is the cluster's AWS account and its region when it is an EKS
//! cluster, else the cluster's name (the kubeconfig's, or `in-cluster`).

mod api;
mod client;
pub mod config;
mod eks;
mod exec;

use std::path::PathBuf;
use std::time::Duration;

use rampart_checks::Check;
use rampart_checks::inventory::kubernetes::{Cluster, KubernetesInventory};
use rampart_checks::inventory::{AccountInventory, Collected, Plan, Source};

pub use client::Client;
use config::Target;

use crate::error::RunError;
use crate::settings::AwsSettings;

/// How to reach the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubernetesSettings {
    /// The kubeconfig context (`--kube-context`); the kubeconfig's current context when `None`.
    pub context: Option<String>,
    /// The EKS cluster to audit (`--eks-cluster`), reached with the AWS credentials of `aws`
    /// in its first region.
    pub eks_cluster: Option<String>,
    /// The AWS side, for `eks_cluster` (profile, regions, endpoint).
    pub aws: AwsSettings,
    /// How long one request to the API server (or the credential plugin) may take.
    pub timeout: Duration,
}

impl Default for KubernetesSettings {
    fn default() -> Self {
        KubernetesSettings { context: None, eks_cluster: None, aws: AwsSettings::default(), timeout: Duration::from_secs(60) }
    }
}

impl KubernetesSettings {
    pub(crate) fn validate(&self) -> Result<(), RunError> {
        if self.eks_cluster.is_some() && self.context.is_some() {
            return Err(RunError::Usage("--eks-cluster and --kube-context name two ways to one cluster: give one".into()));
        }
        if let Some(name) = &self.eks_cluster {
            let valid = !name.is_empty() && name.len() <= 100 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(RunError::Usage(format!("--eks-cluster {:?}: not an EKS cluster name", name.escape_debug())));
            }
        }
        self.aws.validate()
    }
}

/// Where the cluster is, as the settings and the environment say.
async fn target(settings: &KubernetesSettings) -> Result<Target, RunError> {
    if let Some(name) = &settings.eks_cluster {
        return eks::target(&settings.aws, name, settings.timeout).await;
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let kubeconfig = std::env::var("KUBECONFIG").ok();
    let paths = config::kubeconfig_paths(kubeconfig.as_deref(), home.as_deref());
    let host = std::env::var("KUBERNETES_SERVICE_HOST").ok().filter(|h| !h.is_empty());
    if settings.context.is_none()
        && !paths.iter().any(|p| p.exists())
        && let Some(host) = host
    {
        let port = std::env::var("KUBERNETES_SERVICE_PORT").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "443".into());
        return config::in_cluster(&host, &port, std::path::Path::new(config::SERVICE_ACCOUNT_DIR));
    }
    config::from_kubeconfig(&paths, settings.context.as_deref())
}

/// Reads what the checks need from the cluster the settings name. A cluster that cannot be
/// located or whose credentials cannot be had stops the run; a listing that fails (403,
/// 404, timeout, connection refused) is `Unknown` with the reason, and its checks ERROR.
pub async fn collect(settings: &KubernetesSettings, checks: &[&Check]) -> Result<AccountInventory, RunError> {
    settings.validate()?;
    let target = target(settings).await?;
    let client = Client::new(&target, settings.timeout).await?;
    let plan = Plan::of(checks);
    let started = std::time::Instant::now();
    let mut inventory = read(&client, &plan).await;
    tracing::info!(cluster = %target.name, elapsed_ms = started.elapsed().as_millis() as u64, sources = plan.len(), "collected");
    inventory.cluster = Some(Cluster { name: target.name.clone(), server: target.server.clone(), arn: target.arn.clone() });
    let mut account = match target.arn.as_deref().and_then(eks::arn_parts) {
        Some((partition, region, account_id)) => AccountInventory::new(account_id, partition, vec![region]),
        None => AccountInventory::new(&target.name, "kubernetes", Vec::new()),
    };
    account.kubernetes = inventory;
    Ok(account)
}

/// Every listing the plan holds, at once.
pub async fn read(client: &Client, plan: &Plan) -> KubernetesInventory {
    use crate::collect::read as planned;
    let list = |path: &'static str, what: &'static str| async move { client.list::<api::Object>(path, what).await };
    let (pods, replica_sets, jobs, namespaces, network_policies, cluster_role_bindings, role_bindings) = tokio::join!(
        planned(plan, Source::KubernetesPods, async {
            collected(client.list::<api::Pod>("/api/v1/pods", "list pods").await, api::Pod::into_inventory)
        }),
        planned(plan, Source::KubernetesReplicaSets, async {
            collected(list("/apis/apps/v1/replicasets", "list replicasets").await, api::Object::into_owned)
        }),
        planned(plan, Source::KubernetesJobs, async { collected(list("/apis/batch/v1/jobs", "list jobs").await, api::Object::into_owned) }),
        planned(plan, Source::KubernetesNamespaces, async {
            collected(list("/api/v1/namespaces", "list namespaces").await, api::Object::into_namespace)
        }),
        planned(plan, Source::KubernetesNetworkPolicies, async {
            collected(
                client.list::<api::NetworkPolicy>("/apis/networking.k8s.io/v1/networkpolicies", "list networkpolicies").await,
                api::NetworkPolicy::into_inventory,
            )
        }),
        planned(plan, Source::KubernetesClusterRoleBindings, async {
            collected(
                client.list::<api::RoleBinding>("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "list clusterrolebindings").await,
                api::RoleBinding::into_inventory,
            )
        }),
        planned(plan, Source::KubernetesRoleBindings, async {
            collected(
                client.list::<api::RoleBinding>("/apis/rbac.authorization.k8s.io/v1/rolebindings", "list rolebindings").await,
                api::RoleBinding::into_inventory,
            )
        }),
    );
    KubernetesInventory { cluster: None, pods, replica_sets, jobs, namespaces, network_policies, cluster_role_bindings, role_bindings }
}

fn collected<W, T>(listing: Result<Vec<W>, rampart_checks::Unavailable>, into: fn(W) -> T) -> Collected<Vec<T>> {
    match listing {
        Ok(items) => Collected::Known(items.into_iter().map(into).collect()),
        Err(why) => Collected::Unknown(why),
    }
}
