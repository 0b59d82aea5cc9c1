use super::each_definition;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No task definition judged shares the host's process or IPC namespace: `pidMode` and
    /// `ipcMode` are not `host`.
    /// ## Why it matters
    /// No host PID is a container practice: with the host's process namespace a container
    /// sees every process on the instance — other tasks' and the agent's — and can signal or
    /// trace them and read their environment; the host IPC namespace exposes shared memory
    /// across tasks.
    /// ## Remediation
    /// Remove `pidMode`/`ipcMode` or set them to `task`; register a new revision and update
    /// the service.
    /// ## References
    /// - AWS Security Hub, control ECS.3
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#other_task_definition_params
    pub static CHECK = {
        id: "ecs_task_definitions_host_namespace_not_shared",
        title: "ECS task definitions do not share the host's process or IPC namespace",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        let host = |m: &Option<String>| m.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("host"));
        let shared: Vec<&str> = [("process (pidMode host)", host(&definition.pid_mode)), ("IPC (ipcMode host)", host(&definition.ipc_mode))]
            .into_iter()
            .filter_map(|(what, shared)| shared.then_some(what))
            .collect();
        if shared.is_empty() {
            out.pass(resource, "no host namespace is shared");
        } else {
            out.fail(resource, format!("shares the host's {} namespace", shared.join(" and ")));
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
        let mut pid = definition(vec![container("web")]);
        pid.pid_mode = Some("host".into());
        let mut ipc = definition(vec![container("web")]);
        ipc.ipc_mode = Some("host".into());
        let mut task = definition(vec![container("web")]);
        task.pid_mode = Some("task".into());
        region(&mut account).ecs.task_definitions = families(vec![("pid", pid), ("ipc", ipc), ("task", task)]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "pid:1"), Status::Fail);
        assert!(found[0].message.contains("process"));
        assert_eq!(status_of(&found, "ipc:1"), Status::Fail);
        assert_eq!(status_of(&found, "task:1"), Status::Pass);
        errors_when_unread(&CHECK);
    }
}
