use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// In every region that holds ECR repositories, the private registry's scanning
    /// configuration (`GetRegistryScanningConfiguration`) scans every repository's images when
    /// they are pushed: a rule whose filter is `*` with `SCAN_ON_PUSH` (basic or enhanced
    /// scanning) or `CONTINUOUS_SCAN` (enhanced scanning). Rules that cover only some
    /// repositories leave the others to `ecr_repositories_scan_images_on_push_enabled`, which
    /// judges each repository; this check fails them here. Regions without repositories are
    /// not judged.
    /// ## Why it matters
    /// Regular image vulnerability scanning is one of the container practices: an image is
    /// scanned for known vulnerabilities (CVEs in its operating system packages, and with
    /// enhanced scanning in its language packages) before it runs. A registry-wide rule covers
    /// repositories created later, which a per-repository setting forgets.
    /// ## Remediation
    /// `aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules
    /// '[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]'`
    /// (enhanced scanning runs on Amazon Inspector, billed per image), or with `--scan-type
    /// BASIC` and `SCAN_ON_PUSH`.
    /// ## References
    /// - AWS Security Hub, control ECR.1
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
    pub static CHECK = {
        id: "ecr_registry_scan_images_on_push_enabled",
        title: "The ECR registry scans every repository's images on push",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcrRegistryScanning, Source::EcrRepositories],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(repositories) = super::repositories(account, region, inv, out) else { continue };
        if repositories.is_empty() {
            continue;
        }
        let resource = Resource {
            id: format!("{}/{region}", account.account_id),
            arn: Some(format!("arn:{}:ecr:{region}:{}:registry", account.partition, account.account_id)),
            kind: "Other",
            region: Some(region.to_string()),
        };
        let registry = match &inv.ecr.scanning {
            Collected::Known(r) => r,
            Collected::Unknown(why) => {
                out.error(resource, format!("registry scanning configuration could not be read: {why}"));
                continue;
            }
        };
        let enhanced = registry.scan_type.eq_ignore_ascii_case("ENHANCED");
        let everything = registry.rules.iter().find(|rule| {
            let frequency = rule.scan_frequency.to_ascii_uppercase();
            (frequency == "SCAN_ON_PUSH" || (enhanced && frequency == "CONTINUOUS_SCAN")) && rule.filters.iter().any(|f| f.chars().all(|c| c == '*') && !f.is_empty())
        });
        let kind = if enhanced { "enhanced" } else { "basic" };
        match everything {
            Some(rule) => out.pass(resource, format!("{kind} scanning of every repository ({})", rule.scan_frequency.to_ascii_lowercase())),
            None if registry.rules.is_empty() => out.fail(resource, format!("{kind} scanning with no rule: no repository is scanned by the registry")),
            None => out.fail(resource, format!("{kind} scanning rules cover only some repositories (filters: {})", filters(registry))),
        }
    }
}

fn filters(registry: &crate::inventory::ecr::ScanningConfiguration) -> String {
    registry.rules.iter().flat_map(|r| r.filters.iter().map(|f| format!("'{f}'"))).collect::<Vec<_>>().join(", ")
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
        region(&mut account).ecr.repositories = Collected::Known(vec![repository("app")]);
        for (config, status, words) in [
            (scanning("ENHANCED", &[("CONTINUOUS_SCAN", "*")]), Status::Pass, "enhanced scanning of every repository"),
            (scanning("BASIC", &[("SCAN_ON_PUSH", "*")]), Status::Pass, "basic scanning of every repository"),
            // Continuous scanning is enhanced only: a basic registry ignores it.
            (scanning("BASIC", &[("CONTINUOUS_SCAN", "*")]), Status::Fail, "cover only some"),
            (scanning("ENHANCED", &[("SCAN_ON_PUSH", "prod-*")]), Status::Fail, "'prod-*'"),
            (scanning("BASIC", &[]), Status::Fail, "no rule"),
            (scanning("ENHANCED", &[("MANUAL", "*")]), Status::Fail, "cover only some"),
        ] {
            region(&mut account).ecr.scanning = Collected::Known(config);
            let (s, message) = verdict(&CHECK, &account);
            assert_eq!(s, status, "{message}");
            assert!(message.contains(words), "{message}");
        }
        region(&mut account).ecr.scanning = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
        region(&mut account).ecr.repositories = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
        // No repository: nothing to judge.
        region(&mut account).ecr.repositories = Collected::Known(vec![]);
        assert!(run(&CHECK, &account).is_empty());
    }
}
