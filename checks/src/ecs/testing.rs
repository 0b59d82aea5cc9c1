//! Builders of ECS inventories for the checks' unit tests.

use crate::inventory::Collected;
use crate::inventory::ecs::{Cluster, Container, Revision, TaskDefinition, TaskDefinitions};
use crate::testing::{ACCOUNT, REGION};

/// A container hardened in every way the checks look at: non-root user, read-only root,
/// not privileged, CPU and memory, logs, an image of the account's ECR pinned by digest.
pub fn container(name: &str) -> Container {
    Container {
        name: name.to_string(),
        image: format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app@sha256:0123"),
        user: Some("1000:3000".to_string()),
        privileged: Some(false),
        readonly_root_filesystem: Some(true),
        cpu: Some(256),
        memory: Some(512),
        environment: Vec::new(),
        log_driver: Some("awslogs".to_string()),
    }
}

/// A task definition of these containers, awsvpc, with task-level CPU and memory.
pub fn definition(containers: Vec<Container>) -> TaskDefinition {
    TaskDefinition {
        network_mode: Some("awsvpc".to_string()),
        cpu: Some("512".to_string()),
        memory: Some("1024".to_string()),
        requires_compatibilities: vec!["FARGATE".to_string()],
        containers,
        ..TaskDefinition::default()
    }
}

/// A revision `family:1` holding `definition`.
pub fn revision(family: &str, definition: Collected<TaskDefinition>) -> Revision {
    Revision { arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:1"), family: family.to_string(), revision: 1, definition }
}

/// The listing of these revisions, the latest of each family.
pub fn listed(revisions: Vec<Revision>) -> Collected<TaskDefinitions> {
    Collected::Known(TaskDefinitions { active_revisions: revisions.len(), all_revisions: false, revisions })
}

/// One family per (name, definition).
pub fn families(defs: Vec<(&str, TaskDefinition)>) -> Collected<TaskDefinitions> {
    listed(defs.into_iter().map(|(f, d)| revision(f, Collected::Known(d))).collect())
}

pub fn cluster(name: &str, insights: Option<&str>) -> Cluster {
    Cluster { name: name.to_string(), arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{name}"), container_insights: insights.map(str::to_string) }
}

/// The ERROR half of every task definition check: a listing that was denied is an ERROR
/// for the region, and a revision that could not be read is an ERROR for that revision
/// beside the verdicts on the others.
pub fn errors_when_unread(check: &crate::registry::Check) {
    use crate::finding::Status;
    use crate::testing::*;
    let mut account = account();
    region(&mut account).ecs.task_definitions = denied();
    let (status, message) = verdict(check, &account);
    assert_eq!(status, Status::Error, "{message}");
    assert!(message.contains("could not be listed"), "{message}");
    region(&mut account).ecs.task_definitions =
        listed(vec![revision("unread", denied()), revision("read", Collected::Known(definition(vec![container("web")])))]);
    let found = run(check, &account);
    assert_eq!(status_of(&found, "unread:1"), Status::Error);
    assert!(found.iter().any(|r| r.resource.id == "read:1" && r.status == Status::Pass), "{found:#?}");
}
