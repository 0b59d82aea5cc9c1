use super::{container_name, each_definition, without_containers};
use crate::config_file::wildcard_match;
use crate::declare_check;
use crate::images::ImageRef;
use crate::finding::{Measure, Severity, Status};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container image of the task definitions judged is pinned: by digest
    /// (`…@sha256:…`), or by a tag of the account's own ECR repository whose tags are
    /// immutable (`IMMUTABLE`, with the tag outside its exclusion filters; or
    /// `MUTABLE_WITH_EXCLUSION`, with the tag inside them), as `DescribeRepositories` says in
    /// the repository's region. Any other tag — `latest` included, which an image without tag
    /// or digest means — fails. A repository in a region not audited is MANUAL; one whose
    /// region's repositories could not be listed is an ERROR.
    /// ## Why it matters
    /// Official and verified images are a container practice, and a verified image is one
    /// exact image: with a mutable tag, the next task started — a deployment, a scale-out, a
    /// replaced instance — may run whatever was pushed under that tag since, unscanned and
    /// unreviewed.
    /// ## Remediation
    /// Deploy by digest (`<repository>@sha256:<digest>`, as CI knows after the push), or make
    /// the repository's tags immutable (`aws ecr put-image-tag-mutability
    /// --image-tag-mutability IMMUTABLE`) and deploy a new tag per build.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
    pub static CHECK = {
        id: "ecs_task_definitions_images_pinned",
        title: "ECS containers run images pinned by digest or immutable tag",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcsTaskDefinitions, Source::EcrRepositories],
        eval: evaluate,
    }
}

/// Whether the account's repository keeps `tag` immutable: `Ok(Some(true/false))`, or
/// `Ok(None)` when the repository does not exist, `Err(status, why)` when it cannot be known.
fn immutable(account: &AccountInventory, region: &str, repository: &str, tag: &str) -> Result<Option<bool>, (Status, String)> {
    let Some(inv) = account.regional.get(region) else {
        return Err((Status::Manual, format!("repository {repository} is in {region}, a region not audited")));
    };
    let repos = match &inv.ecr.repositories {
        Collected::Known(r) => r,
        Collected::Unknown(why) => return Err((Status::Error, format!("ECR repositories of {region} could not be listed: {why}"))),
    };
    Ok(repos.iter().find(|r| r.name == repository).map(|r| {
        let excluded = r.tag_mutability_exclusions.iter().any(|f| wildcard_match(f, tag));
        match r.tag_mutability.to_ascii_uppercase().as_str() {
            "IMMUTABLE" => true,
            "IMMUTABLE_WITH_EXCLUSION" => !excluded,
            "MUTABLE_WITH_EXCLUSION" => excluded,
            _ => false,
        }
    }))
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_definition(account, out, |_, definition, resource, out| {
        if without_containers(definition, &resource, out) {
            return;
        }
        // The worst verdict decides: FAIL, then ERROR, then MANUAL.
        let mut problems: Vec<(Status, String)> = Vec::new();
        for c in &definition.containers {
            let name = container_name(c);
            let image = match ImageRef::parse(&c.image) {
                Ok(i) => i,
                Err(why) => {
                    problems.push((Status::Error, format!("{name}: image {:?}: {why}", c.image)));
                    continue;
                }
            };
            if image.digest.is_some() {
                continue;
            }
            let tag = image.tag.clone().unwrap_or_else(|| "latest".to_string());
            match image.ecr() {
                Some((owner, region)) if owner == account.account_id => match immutable(account, region, &image.repository, &tag) {
                    Ok(Some(true)) => {}
                    Ok(Some(false)) => problems.push((Status::Fail, format!("{name} runs {}:{tag}, a mutable tag", image.full_name()))),
                    Ok(None) => problems.push((
                        Status::Fail,
                        format!("{name} runs {}:{tag} by tag, and the repository is not in the account's registry of {region}", image.full_name()),
                    )),
                    Err((status, why)) => problems.push((status, format!("{name}: {why}"))),
                },
                _ => problems.push((Status::Fail, format!("{name} runs {}:{tag} by tag, not by digest", image.full_name()))),
            }
        }
        let worst = [Status::Fail, Status::Error, Status::Manual].into_iter().find(|s| problems.iter().any(|(p, _)| p == s));
        match worst {
            None => out.pass(resource, "every image is pinned by digest or an immutable tag"),
            Some(status) => {
                let text = problems.iter().filter(|(p, _)| *p == status).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("; ");
                out.record(status, resource, text);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecr::testing::repository;
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error_manual() {
        let mut account = account();
        let image = |image: &str| {
            let mut c = container("web");
            c.image = image.to_string();
            definition(vec![c])
        };
        let ecr = |repo: &str, tag: &str| format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:{tag}");
        let mut locked = repository("locked");
        locked.tag_mutability = "IMMUTABLE".into();
        let mut except_latest = repository("except-latest");
        except_latest.tag_mutability = "IMMUTABLE_WITH_EXCLUSION".into();
        except_latest.tag_mutability_exclusions = vec!["latest".into()];
        region(&mut account).ecr.repositories = Collected::Known(vec![locked, repository("open"), except_latest]);
        region(&mut account).ecs.task_definitions = families(vec![
            ("digest", image("nginx@sha256:abc")),
            ("immutable", image(&ecr("locked", "v1"))),
            ("mutable", image(&ecr("open", "v1"))),
            ("excluded", image(&ecr("except-latest", "latest"))),
            ("kept", image(&ecr("except-latest", "v2"))),
            ("hub", image("nginx")),
            ("elsewhere", image(&format!("{ACCOUNT}.dkr.ecr.ap-south-1.amazonaws.com/app:v1"))),
            ("gone", image(&ecr("deleted", "v1"))),
        ]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(
            outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(),
            [Pass, Pass, Fail, Fail, Pass, Fail, Manual, Fail]
        );
        assert_eq!(found[5].message, "container 'web' runs docker.io/library/nginx:latest by tag, not by digest");

        region(&mut account).ecr.repositories = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "immutable:1"), Error);
        assert_eq!(status_of(&found, "digest:1"), Pass);
        errors_when_unread(&CHECK);
    }
}
