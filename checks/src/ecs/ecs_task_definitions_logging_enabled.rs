use super::{each_definition, per_container};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of the task definitions judged has a `logConfiguration` with a log
    /// driver (`awslogs`, `awsfirelens`, `splunk`, …).
    /// ## Why it matters
    /// Monitoring and logging reach containers only when their output goes somewhere: without
    /// a log driver, what a container printed is lost when the task stops, and with it the
    /// trace of an intrusion.
    /// ## Remediation
    /// Add `"logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": …,
    /// "awslogs-region": …, "awslogs-stream-prefix": …}}` to each container; register a new
    /// revision and update the service.
    /// ## References
    /// - AWS Security Hub, control ECS.9
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
    pub static CHECK = {
        id: "ecs_task_definitions_logging_enabled",
        title: "ECS containers send their logs somewhere",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        per_container(definition, resource, out, "every container has a log driver", |c| {
            c.log_driver.as_deref().is_none_or(|d| d.trim().is_empty()).then(|| "has no log configuration".to_string())
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
        let mut silent = container("sidecar");
        silent.log_driver = None;
        region(&mut account).ecs.task_definitions =
            families(vec![("logged", definition(vec![container("web")])), ("silent", definition(vec![container("web"), silent]))]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "logged:1"), Status::Pass);
        assert_eq!(status_of(&found, "silent:1"), Status::Fail);
        assert_eq!(found[1].message, "container 'sidecar' has no log configuration");
        errors_when_unread(&CHECK);
    }
}
