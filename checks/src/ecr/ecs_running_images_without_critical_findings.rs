use std::collections::BTreeMap;

use super::severe_findings;
use crate::declare_check;
use crate::images::ImageRef;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The images that running ECS tasks use (`ListTasks` with `desiredStatus RUNNING` and
    /// `DescribeTasks` in every cluster: each container's image and the digest it resolved),
    /// when they come from the audited account's ECR and a completed scan of that digest
    /// exists (`DescribeImages` in the repository's region), have no `CRITICAL` or `HIGH`
    /// vulnerability. Images from other registries, and digests never scanned, are not judged
    /// here (`ecr_repositories_scan_images_on_push_enabled` and
    /// `ecr_repositories_scan_vulnerabilities_in_latest_image` speak of scanning). The finding
    /// names the clusters and how many tasks run the image.
    /// ## Why it matters
    /// Regular image vulnerability scanning matters most for what runs now: a critical
    /// vulnerability in a running image is exposed today, whatever newer image the
    /// repository holds.
    /// ## Remediation
    /// Rebuild the image on a patched base, push it, and redeploy the services that run the
    /// old digest (`aws ecs update-service --force-new-deployment` once the task definition
    /// names the new image).
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
    /// - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
    pub static CHECK = {
        id: "ecs_running_images_without_critical_findings",
        title: "Images that running ECS tasks use have no critical or high vulnerabilities",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcsRunningImages, Source::EcrRepositories, Source::EcrImages],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let running = match &inv.ecs.running_images {
            Collected::Known(r) => r,
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEcrContainerImage"), format!("running ECS tasks could not be listed: {why}"));
                continue;
            }
        };
        // Each digest of the account's ECR once, with the clusters and tasks that run it.
        let mut used: BTreeMap<(String, String, String), (Vec<String>, usize)> = BTreeMap::new();
        for r in running {
            let (Ok(image), Some(digest)) = (ImageRef::parse(&r.image), r.digest.as_deref()) else { continue };
            let Some((owner, repo_region)) = image.ecr() else { continue };
            if owner != account.account_id {
                continue;
            }
            let entry = used.entry((repo_region.to_string(), image.repository.clone(), digest.to_string())).or_default();
            if !entry.0.contains(&r.cluster) {
                entry.0.push(r.cluster.clone());
            }
            entry.1 += 1;
        }
        for ((repo_region, repository, digest), (clusters, tasks)) in used {
            let resource = Resource {
                id: format!("{repository}@{digest}"),
                arn: Some(format!("arn:{}:ecr:{repo_region}:{}:repository/{repository}", account.partition, account.account_id)),
                kind: "AwsEcrContainerImage",
                region: Some(repo_region.clone()),
            };
            let users = format!("run by {tasks} container{} in cluster {}", if tasks == 1 { "" } else { "s" }, clusters.join(", "));
            let Some(repo_inv) = account.regional.get(&repo_region) else { continue };
            let repos = match &repo_inv.ecr.repositories {
                Collected::Known(r) => r,
                Collected::Unknown(why) => {
                    out.error(resource, format!("ECR repositories of {repo_region} could not be listed: {why}"));
                    continue;
                }
            };
            let Some(repo) = repos.iter().find(|r| r.name == repository) else { continue };
            let images = match &repo.images {
                Collected::Known(i) => i,
                Collected::Unknown(why) => {
                    out.error(resource, format!("images of {repository} could not be listed: {why}"));
                    continue;
                }
            };
            let Some(image) = images.iter().find(|i| i.digest == digest).filter(|i| i.scanned()) else { continue };
            match severe_findings(image) {
                Some(severe) => out.fail(resource, format!("vulnerabilities: {severe}, {users}")),
                None => out.pass(resource, format!("no critical or high vulnerability, {users}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecr::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::ecs::RunningImage;
    use crate::testing::*;

    fn running(cluster: &str, image: &str, digest: &str) -> RunningImage {
        RunningImage {
            cluster: cluster.into(),
            task_arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster}/t"),
            container: "web".into(),
            image: image.into(),
            digest: Some(digest.into()),
        }
    }

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let uri = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:v1");
        let mut app = repository("app");
        app.images = Collected::Known(vec![
            image("sha256:bad", 1, &[("CRITICAL", 1)]),
            image("sha256:good", 2, &[("LOW", 3)]),
            {
                let mut i = image("sha256:unscanned", 3, &[]);
                i.scan_status = None;
                i
            },
        ]);
        region(&mut account).ecr.repositories = Collected::Known(vec![app]);
        region(&mut account).ecs.running_images = Collected::Known(vec![
            running("prod", &uri, "sha256:bad"),
            running("stage", &uri, "sha256:bad"),
            running("prod", &uri, "sha256:good"),
            running("prod", &uri, "sha256:unscanned"),
            running("prod", "nginx:1.27", "sha256:hub"),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(status_of(&found, "app@sha256:bad"), Status::Fail);
        assert_eq!(found[0].message, "vulnerabilities: 1 critical, run by 2 containers in cluster prod, stage");
        assert_eq!(status_of(&found, "app@sha256:good"), Status::Pass);

        if let Collected::Known(repos) = &mut region(&mut account).ecr.repositories {
            repos[0].images = denied();
        }
        assert!(run(&CHECK, &account).iter().all(|r| r.status == Status::Error));
        region(&mut account).ecs.running_images = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
