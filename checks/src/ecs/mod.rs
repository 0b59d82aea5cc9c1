//! ECS checks: the container definitions of the task definitions services deploy, and the
//! clusters.
//!
//! By default the latest ACTIVE revision of each family is judged (what a service deploys
//! when it names the family); `--ecs-all-revisions` judges every ACTIVE revision. A revision
//! whose `DescribeTaskDefinition` failed is an ERROR for every task definition check, never
//! skipped: an unread revision is not a clean one.

use crate::finding::Resource;
use crate::inventory::ecs::{Container, Revision, TaskDefinition};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Check, Findings};

mod ecs_cluster_container_insights_enabled;
mod ecs_task_definitions_containers_non_root_user;
mod ecs_task_definitions_containers_readonly_access;
mod ecs_task_definitions_host_namespace_not_shared;
mod ecs_task_definitions_images_from_trusted_registries;
mod ecs_task_definitions_images_pinned;
mod ecs_task_definitions_logging_enabled;
mod ecs_task_definitions_no_environment_secrets;
mod ecs_task_definitions_no_host_network;
mod ecs_task_definitions_no_privileged_containers;
mod ecs_task_definitions_resource_limits;
pub mod secrets;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &ecs_task_definitions_no_privileged_containers::CHECK,
    &ecs_task_definitions_containers_non_root_user::CHECK,
    &ecs_task_definitions_containers_readonly_access::CHECK,
    &ecs_task_definitions_resource_limits::CHECK,
    &ecs_task_definitions_no_host_network::CHECK,
    &ecs_task_definitions_host_namespace_not_shared::CHECK,
    &ecs_task_definitions_no_environment_secrets::CHECK,
    &ecs_task_definitions_logging_enabled::CHECK,
    &ecs_task_definitions_images_from_trusted_registries::CHECK,
    &ecs_task_definitions_images_pinned::CHECK,
    &ecs_cluster_container_insights_enabled::CHECK,
];

fn revision_resource(region: &str, revision: &Revision) -> Resource {
    Resource {
        id: format!("{}:{}", revision.family, revision.revision),
        arn: Some(revision.arn.clone()),
        kind: "AwsEcsTaskDefinition",
        region: Some(region.to_string()),
    }
}

/// Calls `judge` for every task definition revision judged in every region, with its
/// resource; records an ERROR for a region whose revisions could not be listed and for each
/// revision that could not be read.
fn each_definition(account: &AccountInventory, out: &mut Findings, mut judge: impl FnMut(&str, &TaskDefinition, Resource, &mut Findings)) {
    for (region, inv) in account.regions() {
        let listed = match &inv.ecs.task_definitions {
            Collected::Known(l) => l,
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEcsTaskDefinition"), format!("ECS task definitions could not be listed: {why}"));
                continue;
            }
        };
        for revision in &listed.revisions {
            let resource = revision_resource(region, revision);
            match &revision.definition {
                Collected::Known(definition) => judge(region, definition, resource, out),
                Collected::Unknown(why) => out.error(resource, format!("task definition could not be read: {why}")),
            }
        }
    }
}

/// Judges every container of a definition with `bad` (which says what is wrong with one,
/// if anything): FAIL naming each offending container, PASS with `good` otherwise. A
/// definition without containers is an ERROR (ECS never registers one).
fn per_container(definition: &TaskDefinition, resource: Resource, out: &mut Findings, good: &str, bad: impl Fn(&Container) -> Option<String>) {
    if without_containers(definition, &resource, out) {
        return;
    }
    let problems: Vec<String> = definition.containers.iter().filter_map(|c| bad(c).map(|why| format!("{} {why}", container_name(c)))).collect();
    if problems.is_empty() {
        out.pass(resource, good);
    } else {
        out.fail(resource, problems.join("; "));
    }
}

/// Records an ERROR for a definition that lists no container (ECS never registers one), and
/// says whether it did.
fn without_containers(definition: &TaskDefinition, resource: &Resource, out: &mut Findings) -> bool {
    let empty = definition.containers.is_empty();
    if empty {
        out.error(resource.clone(), "the task definition lists no container");
    }
    empty
}

/// `container 'web'`, the name quoted (it comes from the account).
fn container_name(c: &Container) -> String {
    format!("container '{}'", c.name)
}

/// Whether the task runs Windows containers.
fn windows(definition: &TaskDefinition) -> bool {
    definition.operating_system_family.as_deref().is_some_and(|f| f.to_ascii_uppercase().starts_with("WINDOWS"))
}

#[cfg(test)]
mod tests {
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn a_definition_without_containers_is_an_error_for_every_container_check() {
        let mut account = account();
        region(&mut account).ecs.task_definitions = families(vec![("empty", definition(vec![]))]);
        let per_container = super::CHECKS.iter().filter(|c| {
            !matches!(c.id, "ecs_task_definitions_no_host_network" | "ecs_task_definitions_host_namespace_not_shared" | "ecs_cluster_container_insights_enabled")
        });
        for check in per_container {
            let (status, message) = verdict(check, &account);
            assert_eq!((status, message.as_str()), (Status::Error, "the task definition lists no container"), "{}", check.id);
        }
    }
}
