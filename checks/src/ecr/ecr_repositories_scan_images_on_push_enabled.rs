use super::{each_repository, scanning::scanned_on_push};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every ECR repository (`DescribeRepositories`) has its images scanned when pushed:
    /// with enhanced scanning, a registry rule (`GetRegistryScanningConfiguration`) with
    /// `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` whose `*` wildcard filter matches the repository's
    /// name; with basic scanning, a matching `SCAN_ON_PUSH` rule or the repository's own
    /// `scanOnPush`. With enhanced scanning the repository's own setting is ignored by AWS, and
    /// so here. A registry configuration that cannot be read is an ERROR for every repository.
    /// ## Why it matters
    /// Regular image vulnerability scanning is one of the container practices: an image with
    /// known vulnerabilities should be known before a task or pod runs it.
    /// ## Remediation
    /// Add a registry rule that covers the repository (see
    /// `ecr_registry_scan_images_on_push_enabled`), or with basic scanning
    /// `aws ecr put-image-scanning-configuration --repository-name <name>
    /// --image-scanning-configuration scanOnPush=true`.
    /// ## References
    /// - AWS Security Hub, control ECR.1
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
    pub static CHECK = {
        id: "ecr_repositories_scan_images_on_push_enabled",
        title: "ECR repositories scan images on push",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcrRepositories, Source::EcrRegistryScanning],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |inv, repo, resource, out| {
        match &inv.ecr.scanning {
            Collected::Unknown(why) => out.error(resource, format!("registry scanning configuration could not be read: {why}")),
            Collected::Known(registry) => match scanned_on_push(registry, repo) {
                Some(how) => out.pass(resource, format!("images scanned on push ({how})")),
                None if registry.scan_type.eq_ignore_ascii_case("ENHANCED") && repo.scan_on_push => {
                    out.fail(resource, "no enhanced scanning rule covers the repository (its own scan on push is ignored with enhanced scanning)")
                }
                None => out.fail(resource, "images are not scanned on push"),
            },
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecr::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut own = repository("own-setting");
        own.scan_on_push = true;
        region(&mut account).ecr.repositories =
            Collected::Known(vec![repository("prod-api"), repository("dev-tool"), own]);
        region(&mut account).ecr.scanning = Collected::Known(scanning("BASIC", &[("SCAN_ON_PUSH", "prod-*")]));
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "prod-api"), Status::Pass);
        assert_eq!(status_of(&found, "dev-tool"), Status::Fail);
        assert_eq!(status_of(&found, "own-setting"), Status::Pass);

        // Enhanced: only the rules count.
        region(&mut account).ecr.scanning = Collected::Known(scanning("ENHANCED", &[("CONTINUOUS_SCAN", "*-api")]));
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "prod-api"), Status::Pass);
        assert_eq!(status_of(&found, "own-setting"), Status::Fail);
        assert!(found.iter().any(|r| r.message.contains("ignored with enhanced scanning")));

        region(&mut account).ecr.scanning = denied();
        assert!(run(&CHECK, &account).iter().all(|r| r.status == Status::Error));
        region(&mut account).ecr.repositories = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
