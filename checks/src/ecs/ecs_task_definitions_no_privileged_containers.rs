use super::{each_definition, per_container};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No container of the task definitions judged (the latest ACTIVE revision of each
    /// family; every ACTIVE one with `--ecs-all-revisions`) sets `privileged: true`.
    /// ## Why it matters
    /// No privileged containers is a container practice: a privileged container gets every
    /// capability and the host's devices, so whoever compromises it owns the container
    /// instance and every other task on it.
    /// ## Remediation
    /// Remove `privileged` (or set it to `false`) and grant the one capability the workload
    /// needs with `linuxParameters.capabilities.add`; register a new revision and update the
    /// service.
    /// ## References
    /// - AWS Security Hub, control ECS.4
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
    pub static CHECK = {
        id: "ecs_task_definitions_no_privileged_containers",
        title: "ECS task definitions run no privileged container",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        per_container(definition, resource, out, "no container is privileged", |c| (c.privileged == Some(true)).then(|| "is privileged".to_string()))
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
        let mut bad = container("agent");
        bad.privileged = Some(true);
        let mut unset = container("web");
        unset.privileged = None;
        region(&mut account).ecs.task_definitions =
            families(vec![("good", definition(vec![unset])), ("bad", definition(vec![container("web"), bad]))]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "good:1"), Status::Pass);
        assert_eq!(status_of(&found, "bad:1"), Status::Fail);
        assert_eq!(found[1].message, "container 'agent' is privileged");
        errors_when_unread(&CHECK);
    }
}
