use super::{each_definition, per_container};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of the task definitions judged sets `readonlyRootFilesystem: true`.
    /// ## Why it matters
    /// A read-only root filesystem is a container practice (`readOnlyRootFilesystem: true`
    /// in the source documents' pod example): an attacker in the container cannot drop tools,
    /// rewrite binaries or persist, and the image stays what was scanned.
    /// ## Remediation
    /// Set `"readonlyRootFilesystem": true` and give the paths the application writes a
    /// volume (a bind-mount `volume` with a `mountPoint`, `/tmp` say); register a new revision
    /// and update the service.
    /// ## References
    /// - AWS Security Hub, control ECS.5
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_storage
    pub static CHECK = {
        id: "ecs_task_definitions_containers_readonly_access",
        title: "ECS containers have a read-only root filesystem",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        per_container(definition, resource, out, "every container's root filesystem is read-only", |c| {
            (c.readonly_root_filesystem != Some(true)).then(|| "has a writable root filesystem".to_string())
        })
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
        let mut writable = container("side");
        writable.readonly_root_filesystem = None;
        let mut explicit = container("log");
        explicit.readonly_root_filesystem = Some(false);
        region(&mut account).ecs.task_definitions =
            families(vec![("good", definition(vec![container("web")])), ("bad", definition(vec![container("web"), writable, explicit]))]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "good:1"), Status::Pass);
        assert_eq!(status_of(&found, "bad:1"), Status::Fail);
        assert_eq!(found[1].message, "container 'side' has a writable root filesystem; container 'log' has a writable root filesystem");
        errors_when_unread(&CHECK);
    }
}
