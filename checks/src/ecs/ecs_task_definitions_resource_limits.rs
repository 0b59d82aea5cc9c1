use super::{each_definition, windows, without_containers};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every task definition judged limits both CPU and memory. Memory is limited by the
    /// task-level `memory`, or by a hard `memory` on every container (`memoryReservation` is
    /// a soft reservation, not a limit). CPU is limited by the task-level `cpu`; on Linux a
    /// container's `cpu` is only a relative share of the instance (Docker CPU shares) and
    /// limits nothing while the instance is idle, so it counts only for Windows containers,
    /// where ECS enforces it as a quota. Fargate requires both at task level, so Fargate
    /// task definitions pass.
    /// ## Why it matters
    /// CPU and memory limits are a container practice: without them one container — a leak,
    /// a runaway loop, an attacker mining coins — takes the instance from every other task
    /// on it, a denial of service from inside the cluster.
    /// ## Remediation
    /// Set task-level `cpu` and `memory` (`"cpu": "512", "memory": "1024"`), or a hard
    /// `memory` per container and a task-level `cpu`; register a new revision and update the
    /// service.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment
    pub static CHECK = {
        id: "ecs_task_definitions_resource_limits",
        title: "ECS task definitions limit CPU and memory",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn set(value: &Option<String>) -> bool {
    value.as_deref().map(str::trim).is_some_and(|v| !v.is_empty() && v != "0")
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        if without_containers(definition, &resource, out) {
            return;
        }
        let every = |f: &dyn Fn(&crate::inventory::ecs::Container) -> bool| definition.containers.iter().all(f);
        let memory = set(&definition.memory) || every(&|c| c.memory.is_some_and(|m| m > 0));
        let cpu = set(&definition.cpu) || (windows(definition) && every(&|c| c.cpu.is_some_and(|m| m > 0)));
        let mut missing = Vec::new();
        if !cpu {
            let shares = every(&|c| c.cpu.is_some_and(|m| m > 0));
            missing.push(if shares { "CPU (container cpu values are only shares on Linux; no task-level cpu)" } else { "CPU" });
        }
        if !memory {
            missing.push("memory (no task-level memory and not every container has a hard memory limit)");
        }
        if missing.is_empty() {
            out.pass(resource, "CPU and memory are limited");
        } else {
            out.fail(resource, format!("no limit on {}", missing.join(" or ")));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        // EC2 launch type: container limits only.
        let mut containers_only = definition(vec![container("web")]);
        containers_only.cpu = None;
        containers_only.memory = None;
        let mut task_cpu = containers_only.clone();
        task_cpu.cpu = Some("1 vCPU".into());
        let mut soft_memory = task_cpu.clone();
        soft_memory.containers[0].memory = None;
        let mut windows = containers_only.clone();
        windows.operating_system_family = Some("WINDOWS_SERVER_2019_FULL".into());
        region(&mut account).ecs.task_definitions = families(vec![
            ("fargate", definition(vec![container("web")])),
            ("shares", containers_only),
            ("task-cpu", task_cpu),
            ("soft-memory", soft_memory),
            ("windows", windows),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "fargate:1"), Status::Pass);
        assert_eq!(status_of(&found, "shares:1"), Status::Fail);
        assert!(found[1].message.contains("only shares on Linux"), "{}", found[1].message);
        assert_eq!(status_of(&found, "task-cpu:1"), Status::Pass);
        assert_eq!(status_of(&found, "soft-memory:1"), Status::Fail);
        assert!(found[3].message.contains("memory"));
        assert_eq!(status_of(&found, "windows:1"), Status::Pass);
        errors_when_unread(&CHECK);
    }
}
