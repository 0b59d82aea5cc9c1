use super::{each_definition, per_container};
use crate::declare_check;
use crate::ecs::secrets::why_secret;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No container of the task definitions judged passes a secret in a plain `environment`
    /// value. A value fails when its shape is a credential's (an AWS access key id, a
    /// private key, a JSON Web Token, a vendor token such as `ghp_…` or `xoxb-…`, a URL with a
    /// password), or when the variable is named as a secret (`…PASSWORD`, `…SECRET…`,
    /// `…TOKEN…`, `…API_KEY`, `…ACCESS_KEY…`, `ECS_ENGINE_AUTH_DATA`, …) and holds more than an
    /// empty value, a number, a boolean or a reference (an ARN, `ssm:`…). Values are judged
    /// at collection and never kept: snapshots and findings carry the variable's name and the
    /// value's shape only.
    /// ## Why it matters
    /// Anyone allowed `ecs:DescribeTaskDefinition` reads plain environment values, every
    /// revision keeps them after rotation, and they show in the console and in CloudTrail.
    /// `secrets` with `valueFrom` (Secrets Manager or SSM Parameter Store) hands the value to
    /// the container only.
    /// ## Remediation
    /// Store the value in Secrets Manager or SSM Parameter Store (SecureString), move the
    /// variable from `environment` to `secrets` with `valueFrom` set to its ARN, give the task
    /// execution role read access, register a new revision, update the service, rotate the
    /// leaked secret and deregister the revisions that hold it.
    /// ## References
    /// - AWS Security Hub, control ECS.8
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
    pub static CHECK = {
        id: "ecs_task_definitions_no_environment_secrets",
        title: "ECS containers pass no secret in plain environment values",
        measure: Measure::Containers,
        severity: Severity::Critical,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        per_container(definition, resource, out, "no plain environment value looks like a secret", |c| {
            let secrets: Vec<String> = c
                .environment
                .iter()
                .filter_map(|v| why_secret(&v.name, v.shape).map(|why| format!("'{}' {why}", v.name)))
                .collect();
            (!secrets.is_empty()).then(|| format!("environment {}", secrets.join(", ")))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecs::secrets::ValueShape;
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::inventory::ecs::EnvironmentVariable;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let env = |vars: &[(&str, &str)]| {
            let mut c = container("web");
            c.environment = vars.iter().map(|(n, v)| EnvironmentVariable { name: n.to_string(), shape: ValueShape::of(v) }).collect();
            definition(vec![c])
        };
        region(&mut account).ecs.task_definitions = families(vec![
            ("clean", env(&[("LOG_LEVEL", "info"), ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"), ("TOKEN_TTL", "3600")])),
            ("leaky", env(&[("DB_PASSWORD", "hunter2hunter2"), ("DATABASE_URL", "postgres://u:p4ss@db/app"), ("PORT", "8080")])),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "clean:1"), Status::Pass);
        assert_eq!(status_of(&found, "leaky:1"), Status::Fail);
        let message = &found[1].message;
        assert_eq!(
            message,
            "container 'web' environment 'DB_PASSWORD' is named as a secret and holds text, 'DATABASE_URL' holds a URL with a password"
        );
        assert!(!message.contains("hunter2") && !message.contains("p4ss"), "values never reach findings");
        errors_when_unread(&CHECK);
    }
}
