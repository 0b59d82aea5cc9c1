use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every audited region has an IAM Access Analyzer external-access analyzer (type `ACCOUNT`
    /// or `ORGANIZATION`) whose status is `ACTIVE`. Unused-access analyzers do not count: they
    /// answer a different question.
    /// ## Why it matters
    /// The analyzer reports every bucket, key, role, queue or snapshot that a policy shares with
    /// another account or with the public. Resource policies are regional, so a region without
    /// an analyzer is a region where an accidental share goes unnoticed.
    /// ## Remediation
    /// `aws accessanalyzer create-analyzer --analyzer-name external --type ACCOUNT --region <region>`
    /// in each region (`--type ORGANIZATION` from the management or delegated administrator
    /// account).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.19
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html
    pub static CHECK = {
        id: "accessanalyzer_enabled",
        title: "IAM Access Analyzer is active in every region",
        measure: Measure::Access,
        severity: Severity::Low,
        reads: [Source::AccessAnalyzers],
        eval: evaluate,
    }
}

const EXTERNAL: [&str; 2] = ["ACCOUNT", "ORGANIZATION"];

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        let analyzers = match inv.accessanalyzer.analyzers.as_result() {
            Ok(a) => a,
            Err(why) => {
                out.error(resource, format!("Access Analyzer analyzers could not be read: {why}"));
                continue;
            }
        };
        let external: Vec<_> = analyzers.iter().filter(|a| EXTERNAL.contains(&a.analyzer_type.as_str())).collect();
        if let Some(a) = external.iter().find(|a| a.status == "ACTIVE") {
            out.pass(resource, format!("analyzer {} ({}) is active", a.name, a.analyzer_type));
        } else if let Some(a) = external.first() {
            out.fail(resource, format!("external-access analyzer {} is {}, not ACTIVE", a.name, a.status));
        } else if analyzers.is_empty() {
            out.fail(resource, "no Access Analyzer analyzer in this region");
        } else {
            out.fail(resource, "no external-access analyzer in this region (only unused-access analyzers)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::accessanalyzer::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn per_region() {
        let regions = ["r-account", "r-org", "r-none", "r-unused", "r-creating", "r-denied"];
        let mut a = accessanalyzer_account(&regions);
        region_mut(&mut a, "r-account").accessanalyzer.analyzers = Collected::Known(vec![analyzer("a", "ACCOUNT", "ACTIVE")]);
        region_mut(&mut a, "r-org").accessanalyzer.analyzers = Collected::Known(vec![analyzer("o", "ORGANIZATION", "ACTIVE")]);
        region_mut(&mut a, "r-unused").accessanalyzer.analyzers =
            Collected::Known(vec![analyzer("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")]);
        region_mut(&mut a, "r-creating").accessanalyzer.analyzers =
            Collected::Known(vec![analyzer("c", "ACCOUNT", "CREATING")]);
        region_mut(&mut a, "r-denied").accessanalyzer.analyzers = denied();
        let found = run(&CHECK, &a);
        let s = |r: &str| status_of(&found, &format!("{ACCOUNT}/{r}"));
        assert_eq!(s("r-account"), Status::Pass);
        assert_eq!(s("r-org"), Status::Pass);
        assert_eq!(s("r-none"), Status::Fail);
        assert_eq!(s("r-unused"), Status::Fail);
        assert_eq!(s("r-creating"), Status::Fail);
        assert_eq!(s("r-denied"), Status::Error);
    }
}
