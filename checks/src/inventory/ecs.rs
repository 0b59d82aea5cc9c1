//! ECS: clusters, the task definitions judged and the tasks running, per region.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What ECS holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EcsInventory {
    /// ListClusters + DescribeClusters(SETTINGS).
    pub clusters: Collected<Vec<Cluster>>,
    /// ListTaskDefinitions(ACTIVE): the revisions judged (the latest of each family, or every
    /// one with `ecs.all_revisions`), each with its DescribeTaskDefinition.
    pub task_definitions: Collected<TaskDefinitions>,
    /// ListTasks(RUNNING) + DescribeTasks in every cluster: the images running tasks use.
    pub running_images: Collected<Vec<RunningImage>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// The `containerInsights` setting: `enabled`, `enhanced`, `disabled`; `None` when unset.
    pub container_insights: Option<String>,
}

/// The ACTIVE revisions listed, and those judged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskDefinitions {
    /// How many ACTIVE revisions the listing held.
    pub active_revisions: usize,
    /// Whether every ACTIVE revision is judged (otherwise the latest of each family).
    pub all_revisions: bool,
    pub revisions: Vec<Revision>,
}

/// One revision to judge: its ARN from the listing and its definition, which may not have
/// been readable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub arn: String,
    pub family: String,
    pub revision: u32,
    pub definition: Collected<TaskDefinition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskDefinition {
    /// `bridge`, `host`, `awsvpc`, `none`; `None` means the default (`bridge` on Linux EC2).
    pub network_mode: Option<String>,
    /// `host` or `task`.
    pub pid_mode: Option<String>,
    /// `host`, `task` or `none`.
    pub ipc_mode: Option<String>,
    /// Task-level CPU units and memory (MiB), as ECS writes them (strings: `"1024"`, `"1 vCPU"`).
    pub cpu: Option<String>,
    pub memory: Option<String>,
    /// `LINUX`, `WINDOWS_SERVER_2022_CORE`, …; `None` when unset (Linux).
    pub operating_system_family: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// `user`, `user:group`, `uid`, `uid:gid`; `None` runs as the image's user (root unless
    /// the image says otherwise).
    pub user: Option<String>,
    pub privileged: Option<bool>,
    pub readonly_root_filesystem: Option<bool>,
    pub cpu: Option<i32>,
    /// The hard limit (MiB); `memoryReservation` is a soft one and is not kept.
    pub memory: Option<i32>,
    /// The `environment` entries: each name with the shape of its value, never the value.
    pub environment: Vec<EnvironmentVariable>,
    /// The log driver of `logConfiguration`, `None` without one.
    pub log_driver: Option<String>,
}

/// A plain environment variable, reduced at collection to what the secrets check needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentVariable {
    pub name: String,
    /// What the value looks like (see [`crate::ecs::secrets::ValueShape`]), never the value.
    pub shape: crate::ecs::secrets::ValueShape,
}

/// An image a running task uses, with the digest the task resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningImage {
    pub cluster: String,
    pub task_arn: String,
    pub container: String,
    pub image: String,
    pub digest: Option<String>,
}
