use super::{each_definition, per_container, windows};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of the task definitions judged names a `user` that is not root. On
    /// Linux the user part of `user`, `user:group`, `uid` or `uid:gid` must not be `root` or
    /// `0`; on Windows it must not be `ContainerAdministrator`. A container without `user`
    /// fails: it runs as the image's user, which is root unless the image says otherwise,
    /// and the task definition does not say.
    /// ## Why it matters
    /// Containers that do not run as root are a container practice (the source documents'
    /// pod example runs as `runAsUser: 1000`, `runAsGroup: 3000`): root in a container is root
    /// on the host's kernel, one kernel or runtime flaw away from the host. Prowler checks
    /// the user only for host-network tasks; here every container is judged.
    /// ## Remediation
    /// Set `"user": "1000:3000"` (a non-zero uid and gid the image's files allow) on each
    /// container definition, or a `USER` in the image and the same here so the task
    /// definition says it; register a new revision and update the service.
    /// ## References
    /// - AWS Security Hub, controls ECS.20 and ECS.21
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
    pub static CHECK = {
        id: "ecs_task_definitions_containers_non_root_user",
        title: "ECS containers run as a non-root user",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        let windows = windows(definition);
        per_container(definition, resource, out, "every container names a non-root user", |c| {
            let user = c.user.as_deref().map(str::trim).filter(|u| !u.is_empty());
            match user {
                None => Some("names no user (runs as the image's user, root unless the image sets one)".to_string()),
                Some(u) if windows && u.eq_ignore_ascii_case("ContainerAdministrator") => Some("runs as ContainerAdministrator".to_string()),
                Some(u) if !windows && matches!(u.split(':').next().map(str::trim), Some("root" | "0" | "")) => {
                    Some(format!("runs as root (user '{u}')"))
                }
                Some(_) => None,
            }
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
        let with = |user: Option<&str>| {
            let mut c = container("web");
            c.user = user.map(str::to_string);
            definition(vec![c])
        };
        let mut windows_admin = with(Some("ContainerAdministrator"));
        windows_admin.operating_system_family = Some("WINDOWS_SERVER_2022_CORE".into());
        let mut windows_user = with(Some("ContainerUser"));
        windows_user.operating_system_family = Some("WINDOWS_SERVER_2022_CORE".into());
        region(&mut account).ecs.task_definitions = families(vec![
            ("uid", with(Some("1000:3000"))),
            ("named", with(Some("app"))),
            ("none", with(None)),
            ("root", with(Some("root"))),
            ("zero", with(Some("0:0"))),
            ("blank", with(Some(" "))),
            ("win-admin", windows_admin),
            ("win-user", windows_user),
        ]);
        let found = run(&CHECK, &account);
        let statuses: Vec<Status> = outcomes(&found).into_iter().map(|(_, s)| s).collect();
        use Status::*;
        assert_eq!(statuses, [Pass, Pass, Fail, Fail, Fail, Fail, Fail, Pass]);
        assert!(found[2].message.contains("names no user"));
        assert!(found[4].message.contains("runs as root (user '0:0')"));
        errors_when_unread(&CHECK);
    }
}
