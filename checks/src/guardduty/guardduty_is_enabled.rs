use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every audited region has a GuardDuty detector whose status is `ENABLED`
    /// (`ListDetectors` + `GetDetector`). A suspended detector (`DISABLED`) does not count.
    /// ## Why it matters
    /// GuardDuty reads CloudTrail, VPC flow logs and DNS logs to spot compromised credentials,
    /// crypto-mining and reconnaissance. Intruders favour regions nobody uses, so a region
    /// without a detector is where they go unnoticed.
    /// ## Remediation
    /// `aws guardduty create-detector --enable --region <region>` in each region (or
    /// `aws guardduty update-detector --detector-id <id> --enable` for a suspended one); in an
    /// organization, enable it from the delegated administrator with auto-enable.
    /// ## References
    /// - AWS Foundational Security Best Practices, control GuardDuty.1
    /// - https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html
    pub static CHECK = {
        id: "guardduty_is_enabled",
        title: "GuardDuty is enabled in every region",
        measure: Measure::Monitoring,
        severity: Severity::High,
        reads: [Source::GuardDutyDetectors],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        let detectors = match inv.guardduty.detectors.as_result() {
            Ok(d) => d,
            Err(why) => {
                out.error(resource, format!("GuardDuty detectors could not be read: {why}"));
                continue;
            }
        };
        if let Some(d) =
            detectors.iter().find(|d| d.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ENABLED")))
        {
            out.pass(resource, format!("detector {} is enabled", d.detector_id));
        } else if detectors.is_empty() {
            out.fail(resource, "no GuardDuty detector in this region");
        } else if let Some(d) = detectors.iter().find(|d| d.status.is_none()) {
            out.error(resource, format!("status of GuardDuty detector {} was not reported", d.detector_id));
        } else {
            let states: Vec<String> = detectors
                .iter()
                .map(|d| format!("{} is {}", d.detector_id, d.status.as_deref().unwrap_or("?")))
                .collect();
            out.fail(resource, format!("no enabled GuardDuty detector: {}", states.join(", ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::guardduty::testing::*;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn per_region() {
        let regions = ["r-on", "r-none", "r-off", "r-denied", "r-unreported"];
        let mut a = guardduty_account(&regions);
        region_mut(&mut a, "r-on").guardduty.detectors =
            Collected::Known(vec![detector("d0", Some("DISABLED")), detector("d1", Some("ENABLED"))]);
        region_mut(&mut a, "r-off").guardduty.detectors = Collected::Known(vec![detector("d2", Some("DISABLED"))]);
        region_mut(&mut a, "r-denied").guardduty.detectors = denied();
        region_mut(&mut a, "r-unreported").guardduty.detectors = Collected::Known(vec![detector("d3", None)]);
        let found = run(&CHECK, &a);
        let s = |r: &str| status_of(&found, &format!("{ACCOUNT}/{r}"));
        assert_eq!(s("r-on"), Status::Pass);
        assert_eq!(s("r-none"), Status::Fail);
        assert_eq!(s("r-off"), Status::Fail);
        assert_eq!(s("r-denied"), Status::Error);
        assert_eq!(s("r-unreported"), Status::Error);
    }
}
