use super::{container_name, each_definition, without_containers};
use crate::declare_check;
use crate::images::{ImageRef, trusted_by};
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container image of the task definitions judged comes from the audited account's
    /// own ECR registry (any region) or from a registry listed in the configuration's
    /// `[containers] trusted_registries`: a host (`ghcr.io`, `*.dkr.ecr.*.amazonaws.com` for
    /// the organization's other accounts) or a path prefix ending at a `/`
    /// (`docker.io/library/`, Docker Hub's official images). A reference without a host is
    /// Docker Hub's (`nginx` is `docker.io/library/nginx`). An image reference that cannot be
    /// parsed is an ERROR naming the container.
    /// ## Why it matters
    /// Official and verified images are a container practice: an image from an arbitrary
    /// public registry or namespace runs whatever its publisher — or whoever took over the
    /// account — pushed last, inside the task's role and network.
    /// ## Remediation
    /// Copy the image into the account's ECR (an ECR pull-through cache rule for Docker Hub,
    /// Quay or GitHub does it on first pull), point the container definition at it, and list
    /// the registries the organization vouches for in `trusted_registries`.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
    /// - https://docs.docker.com/trusted-content/official-images/
    pub static CHECK = {
        id: "ecs_task_definitions_images_from_trusted_registries",
        title: "ECS containers run images from the account's ECR or a trusted registry",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcsTaskDefinitions],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let trusted = &ctx.config.containers.trusted_registries;
    each_definition(account, out, |_, definition, resource, out| {
        if without_containers(definition, &resource, out) {
            return;
        }
        let (mut untrusted, mut unreadable) = (Vec::new(), Vec::new());
        for c in &definition.containers {
            match ImageRef::parse(&c.image) {
                Err(why) => unreadable.push(format!("{}: image {:?}: {why}", container_name(c), c.image)),
                Ok(image) if image.ecr().is_some_and(|(owner, _)| owner == account.account_id) => {}
                Ok(image) if trusted_by(&image, trusted).is_some() => {}
                Ok(image) => untrusted.push(format!("{} runs {} from {}, not a trusted registry", container_name(c), image.full_name(), image.registry)),
            }
        }
        if !untrusted.is_empty() {
            out.fail(resource, untrusted.into_iter().chain(unreadable).collect::<Vec<_>>().join("; "));
        } else if !unreadable.is_empty() {
            out.error(resource, unreadable.join("; "));
        } else {
            out.pass(resource, "every image is from the account's ECR or a trusted registry");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::config_file::Config;
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let image = |image: &str| {
            let mut c = container("web");
            c.image = image.to_string();
            definition(vec![c])
        };
        region(&mut account).ecs.task_definitions = families(vec![
            ("own-ecr", image("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1")),
            ("other-ecr", image("210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:v1")),
            ("hub", image("nginx:1.27")),
            ("ghcr", image("ghcr.io/acme/api@sha256:abc")),
            ("broken", image("nginx:")),
        ]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Fail, Fail, Fail, Error]);
        assert_eq!(found[2].message, "container 'web' runs docker.io/library/nginx from docker.io, not a trusted registry");

        let mut config = Config::default();
        config.containers.trusted_registries = vec!["ghcr.io/acme".into(), "*.dkr.ecr.*.amazonaws.com".into(), "docker.io/library/".into()];
        let found = run_with(&CHECK, &account, &config);
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Pass, Pass, Pass, Error]);
        errors_when_unread(&CHECK);
    }
}
