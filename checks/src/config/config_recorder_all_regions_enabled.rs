use std::collections::BTreeMap;

use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::config::ConfigRecorder;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// In every audited region, an AWS Config configuration recorder records all supported
    /// resource types (`allSupported`), is recording, and its last delivery did not fail
    /// (`lastStatus` not `FAILURE`). Per account, at least one such recorder also records global
    /// resource types (IAM users, groups, roles, policies: `includeGlobalResourceTypes`); that
    /// is reported once, on the account.
    /// ## Why it matters
    /// Config keeps the history of every resource's configuration and relationships: what a
    /// security group allowed last Tuesday, who changed a bucket policy. A region without a
    /// recorder has no such history when an incident or an audit needs it.
    /// ## Remediation
    /// ```sh
    /// aws configservice put-configuration-recorder --configuration-recorder \
    ///   name=default,roleARN=<config-role-arn> \
    ///   --recording-group allSupported=true,includeGlobalResourceTypes=true
    /// aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket>
    /// aws configservice start-configuration-recorder --configuration-recorder-name default
    /// ```
    /// in each region; set `includeGlobalResourceTypes=true` in one region only.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.3
    /// - https://docs.aws.amazon.com/config/latest/developerguide/gs-cli.html
    pub static CHECK = {
        id: "config_recorder_all_regions_enabled",
        title: "AWS Config records all resource types in every region",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::ConfigRecorders],
        eval: evaluate,
    }
}

/// Why a recorder does not meet the control, `Ok(())` when it does; `Err(None)` when its
/// status was not reported.
fn shortfall(r: &ConfigRecorder) -> Result<(), Option<String>> {
    if !r.all_supported {
        return Err(Some(format!("recorder {} records only selected resource types", r.name)));
    }
    if r.last_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("FAILURE")) {
        return Err(Some(format!("recorder {}'s last delivery failed", r.name)));
    }
    match r.recording {
        Some(true) => Ok(()),
        Some(false) => Err(Some(format!("recorder {} is stopped", r.name))),
        None => Err(None),
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let mut global_in: Option<String> = None;
    // Why each undecided region is undecided, with the regions of each reason.
    let mut undecided: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut any_region = false;
    for (region, inv) in account.regions() {
        any_region = true;
        let resource = account.regional_resource(region, "AwsAccount");
        let recorders = match inv.config.configuration_recorders.as_result() {
            Ok(r) => r,
            Err(why) => {
                let why = format!("AWS Config recorders could not be read: {why}");
                out.error(resource, why.clone());
                undecided.entry(why).or_default().push(region);
                continue;
            }
        };
        if let Some(good) = recorders.iter().find(|r| shortfall(r).is_ok()) {
            let global = if good.include_global_resource_types { " (including global resource types)" } else { "" };
            if good.include_global_resource_types && global_in.is_none() {
                global_in = Some(region.to_string());
            }
            out.pass(resource, format!("recorder {} records all supported resource types{global}", good.name));
            continue;
        }
        if recorders.is_empty() {
            out.fail(resource, "no AWS Config configuration recorder in this region");
            continue;
        }
        let reasons: Vec<Option<String>> = recorders.iter().filter_map(|r| shortfall(r).err()).collect();
        if reasons.iter().any(Option::is_none) {
            let why = "the recording status of an otherwise complete recorder was not reported";
            out.error(resource, why);
            undecided.entry(why.to_string()).or_default().push(region);
        } else {
            out.fail(resource, reasons.into_iter().flatten().collect::<Vec<_>>().join("; "));
        }
    }
    if !any_region {
        return;
    }
    match (global_in, undecided.is_empty()) {
        (Some(region), _) => out.pass(account.resource(), format!("global resource types are recorded in {region}")),
        (None, true) => {
            out.fail(account.resource(), "no region's complete recorder includes global resource types (IAM)")
        }
        (None, false) => {
            let reasons: Vec<String> =
                undecided.iter().map(|(why, regions)| format!("{}: {why}", regions.join(", "))).collect();
            out.error(
                account.resource(),
                format!("cannot tell whether global resource types are recorded: {}", reasons.join("; ")),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::config::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn per_region_and_global() {
        let regions = ["r-global", "r-ok", "r-none", "r-partial", "r-stopped", "r-failed"];
        let mut a = config_account(&regions);
        region_mut(&mut a, "r-global").config.configuration_recorders =
            Collected::Known(vec![recorder(true, true, Some(true), Some("SUCCESS"))]);
        region_mut(&mut a, "r-ok").config.configuration_recorders = Collected::Known(vec![recorder(true, false, Some(true), None)]);
        region_mut(&mut a, "r-partial").config.configuration_recorders =
            Collected::Known(vec![recorder(false, true, Some(true), None)]);
        region_mut(&mut a, "r-stopped").config.configuration_recorders =
            Collected::Known(vec![recorder(true, true, Some(false), None)]);
        region_mut(&mut a, "r-failed").config.configuration_recorders =
            Collected::Known(vec![recorder(true, true, Some(true), Some("Failure"))]);
        let found = run(&CHECK, &a);
        let s = |r: &str| status_of(&found, &format!("{ACCOUNT}/{r}"));
        assert_eq!(s("r-global"), Status::Pass);
        assert_eq!(s("r-ok"), Status::Pass);
        assert_eq!(s("r-none"), Status::Fail);
        assert_eq!(s("r-partial"), Status::Fail);
        assert_eq!(s("r-stopped"), Status::Fail);
        assert_eq!(s("r-failed"), Status::Fail);
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
    }

    #[test]
    fn global_types_missing_everywhere_fails_on_the_account() {
        let mut a = config_account(&["r1"]);
        region_mut(&mut a, "r1").config.configuration_recorders = Collected::Known(vec![recorder(true, false, Some(true), None)]);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/r1")), Status::Pass);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
    }

    #[test]
    fn errors() {
        let mut a = config_account(&["r1", "r2"]);
        region_mut(&mut a, "r1").config.configuration_recorders = denied();
        region_mut(&mut a, "r2").config.configuration_recorders = Collected::Known(vec![recorder(true, true, None, None)]);
        let found = run(&CHECK, &a);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/r1")), Status::Error);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/r2")), Status::Error);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        let account = found.iter().find(|f| f.resource.id == ACCOUNT).unwrap();
        assert!(account.message.contains("r1: AWS Config recorders could not be read: "), "{}", account.message);
        assert!(account.message.contains("r2: the recording status"), "{}", account.message);
    }
}
