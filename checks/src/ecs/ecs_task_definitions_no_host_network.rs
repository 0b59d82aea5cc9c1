use super::each_definition;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No task definition judged uses `networkMode: host`.
    /// ## Why it matters
    /// No host network is a container practice: a host-network task shares the container
    /// instance's network stack — it can bind any port of the host, reach services listening
    /// on loopback (the ECS agent's introspection port among them) and sniff the host's
    /// traffic, and security groups of `awsvpc` tasks no longer separate it. Prowler fails
    /// host-network tasks only when their containers run as root; here host networking itself
    /// fails, as Security Hub's ECS.17 does.
    /// ## Remediation
    /// Use `awsvpc` (each task its own interface and security groups) or `bridge`; register a
    /// new revision and update the service.
    /// ## References
    /// - AWS Security Hub, control ECS.17
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
    pub static CHECK = {
        id: "ecs_task_definitions_no_host_network",
        title: "ECS task definitions do not use host networking",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| match definition.network_mode.as_deref() {
        Some(mode) if mode.eq_ignore_ascii_case("host") => out.fail(resource, "network mode host: the tasks share the instance's network"),
        Some(mode) => out.pass(resource, format!("network mode {mode}")),
        None => out.pass(resource, "default network mode (bridge on Linux, nat on Windows)"),
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
        let mut host = definition(vec![container("web")]);
        host.network_mode = Some("host".into());
        let mut default = definition(vec![container("web")]);
        default.network_mode = None;
        region(&mut account).ecs.task_definitions = families(vec![("vpc", definition(vec![container("web")])), ("host", host), ("default", default)]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "vpc:1"), Status::Pass);
        assert_eq!(status_of(&found, "host:1"), Status::Fail);
        assert_eq!(status_of(&found, "default:1"), Status::Pass);
        errors_when_unread(&CHECK);
    }
}
