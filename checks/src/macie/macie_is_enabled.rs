use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every audited region has an Amazon Macie session whose status is `ENABLED`
    /// (`macie2:GetMacieSession`). A `PAUSED` session or no session at all fails; a region
    /// whose session could not be read, or whose status is neither of the two AWS defines,
    /// is an ERROR. CIS assesses control 2.1.3 manually (it asks that S3 data be discovered,
    /// classified and secured, by Macie or a third-party tool); whether Macie is on is data
    /// Rampart has, so it decides, and a team using another tool mutes this check. Rampart
    /// counts it under the `encryption` measure, which covers protecting data at rest: Macie
    /// is how sensitive data in S3 is found, so that it can be encrypted and locked down.
    /// ## Why it matters
    /// Encryption and access policies protect only the data someone knows to protect.
    /// Macie scans S3 buckets for personal data, credentials and other sensitive content and
    /// reports where it sits, including in buckets that are unencrypted or public, so that
    /// it can be moved, encrypted or deleted before it leaks.
    /// ## Remediation
    /// `aws macie2 enable-macie --region <region>` in each region (or `aws macie2
    /// update-macie-session --status ENABLED` for a paused one), then turn on automated
    /// sensitive data discovery with `aws macie2 update-automated-discovery-configuration
    /// --status ENABLED`. In an organization, designate a delegated administrator with
    /// `aws macie2 enable-organization-admin-account --admin-account-id <id>` and auto-enable
    /// member accounts.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.1.3
    /// - AWS Security Hub, control Macie.1
    /// - https://docs.aws.amazon.com/macie/latest/user/getting-started.html
    pub static CHECK = {
        id: "macie_is_enabled",
        title: "Amazon Macie is enabled in every region",
        measure: Measure::Encryption,
        severity: Severity::Low,
        reads: [Source::MacieSession],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        match inv.macie.session.as_result() {
            Err(why) => out.error(resource, format!("Macie session could not be read: {why}")),
            Ok(None) => out.fail(resource, "Macie is not enabled in this region"),
            Ok(Some(session)) => {
                let status = session.status.trim();
                if status.eq_ignore_ascii_case("ENABLED") {
                    out.pass(resource, "Macie is enabled");
                } else if status.eq_ignore_ascii_case("PAUSED") {
                    out.fail(resource, "Macie is paused in this region");
                } else {
                    out.error(resource, format!("Macie session has an unrecognised status '{status}'"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::macie::testing::*;
    use crate::testing::*;

    #[test]
    fn per_region() {
        let regions = ["r-on", "r-paused", "r-none", "r-denied", "r-odd"];
        let mut a = macie_account(&regions);
        region_mut(&mut a, "r-on").macie.session = session("ENABLED");
        region_mut(&mut a, "r-paused").macie.session = session("PAUSED");
        region_mut(&mut a, "r-none").macie.session = Collected::Known(None);
        region_mut(&mut a, "r-denied").macie.session = denied();
        region_mut(&mut a, "r-odd").macie.session = session("SOMETHING_NEW");
        let found = run(&CHECK, &a);
        assert_eq!(found.len(), regions.len());
        let get = |r: &str| {
            let id = format!("{ACCOUNT}/{r}");
            let f = found.iter().find(|f| f.resource.id == id).unwrap();
            assert_eq!(f.resource.region.as_deref(), Some(r));
            (f.status, f.message.as_str())
        };
        assert_eq!(get("r-on"), (Status::Pass, "Macie is enabled"));
        assert_eq!(get("r-paused"), (Status::Fail, "Macie is paused in this region"));
        assert_eq!(get("r-none"), (Status::Fail, "Macie is not enabled in this region"));
        assert_eq!(get("r-denied"), (Status::Error, "Macie session could not be read: AccessDenied: not authorized"));
        assert_eq!(get("r-odd"), (Status::Error, "Macie session has an unrecognised status 'SOMETHING_NEW'"));
    }

    #[test]
    fn audited_region_without_inventory_is_an_error() {
        let mut a = macie_account(&["r-on"]);
        region_mut(&mut a, "r-on").macie.session = session("ENABLED");
        a.regions.push("r-missing".into());
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/r-missing")), Status::Error);
    }
}
