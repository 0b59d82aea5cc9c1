use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// AWS Security Hub is enabled in every audited region (`DescribeHub` returns a hub).
    /// Which standards are enabled is not checked.
    /// ## Why it matters
    /// Security Hub gathers the findings of GuardDuty, Inspector, Macie, Config rules and its
    /// own controls in one place per region. A region without it is a region whose findings
    /// nobody sees together.
    /// ## Remediation
    /// `aws securityhub enable-security-hub --enable-default-standards --region <region>` in each
    /// region, or enable it organization-wide from the delegated administrator with central
    /// configuration.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 4.16
    /// - https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html
    pub static CHECK = {
        id: "securityhub_enabled",
        title: "Security Hub is enabled in every region",
        measure: Measure::Monitoring,
        severity: Severity::High,
        reads: [Source::SecurityHub],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        match inv.securityhub.hub.as_result() {
            Ok(Some(hub)) => {
                let arn = hub.hub_arn.as_deref().unwrap_or("hub");
                out.pass(resource, format!("Security Hub enabled ({arn})"));
            }
            Ok(None) => out.fail(resource, "Security Hub is not enabled in this region"),
            Err(why) => out.error(resource, format!("Security Hub status could not be read: {why}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::securityhub::testing::*;
    use crate::testing::*;

    #[test]
    fn per_region() {
        let mut a = securityhub_account(&["eu-west-1", "us-east-1", "us-west-2"]);
        region_mut(&mut a, "us-east-1").securityhub.hub = hub("arn:aws:securityhub:us-east-1:123456789012:hub/default");
        region_mut(&mut a, "us-west-2").securityhub.hub = denied();
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/us-east-1")), Status::Pass);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/eu-west-1")), Status::Fail);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/us-west-2")), Status::Error);
        assert_eq!(found[0].resource.region.as_deref(), Some("eu-west-1"));
    }
}
