use super::Verdict;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::InstanceMetadataDefaults;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// In every audited region, the account-level instance metadata defaults for new
    /// instances (`GetInstanceMetadataDefaults`) either require IMDSv2 (`HttpTokens` =
    /// `required`) or turn the metadata service off (`HttpEndpoint` = `disabled`). A region
    /// with no account-level defaults, or whose defaults leave tokens `optional`, fails: new
    /// instances then take the setting of their AMI, which for most AMIs still allows
    /// IMDSv1. A region whose defaults could not be read is an ERROR. Existing instances are
    /// judged by `ec2_instance_imdsv2_enabled`.
    /// ## Why it matters
    /// IMDSv1 answers any plain GET from the instance, so a server-side request forgery in an
    /// application hands out the instance role's credentials. Requiring IMDSv2 per instance
    /// fixes the instances of today; the account default makes every instance launched
    /// tomorrow (by a console user, an old template or an autoscaling group) safe as well,
    /// unless its launch request explicitly asks otherwise.
    /// ## Remediation
    /// In each region: `aws ec2 modify-instance-metadata-defaults --region <region>
    /// --http-tokens required --http-put-response-hop-limit 2` (a hop limit of 2 lets
    /// containers on the instance reach the metadata service). Then bring existing instances
    /// in line with `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.7
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
    pub static CHECK = {
        id: "ec2_instance_account_imdsv2_enabled",
        title: "EC2 account defaults require IMDSv2 for new instances",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::InstanceMetadataDefaults],
        eval: evaluate,
    }
}

fn judge(defaults: Option<&InstanceMetadataDefaults>) -> Verdict {
    let Some(defaults) = defaults else {
        return Verdict::Fail(
            "no account-level metadata defaults: new instances take the AMI's setting (usually IMDSv1 allowed)"
                .to_string(),
        );
    };
    let endpoint = defaults.http_endpoint.as_deref().map(str::to_ascii_lowercase);
    let tokens = defaults.http_tokens.as_deref().map(str::to_ascii_lowercase);
    match (endpoint.as_deref(), tokens.as_deref()) {
        (Some("disabled"), _) => Verdict::Pass("metadata service disabled by default for new instances".to_string()),
        (_, Some("required")) => {
            Verdict::Pass("IMDSv2 required by default for new instances (http_tokens = required)".to_string())
        }
        (_, Some("optional")) => {
            Verdict::Fail("IMDSv1 allowed by default for new instances (http_tokens = optional)".to_string())
        }
        (_, None | Some("no-preference")) => Verdict::Fail(
            "no account-level http_tokens default: new instances take the AMI's setting (usually IMDSv1 allowed)"
                .to_string(),
        ),
        (_, Some(other)) => Verdict::Error(format!("unrecognised account-level metadata http_tokens '{other}'")),
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let resource = account.regional_resource(region, "AwsAccount");
        match inv.ec2.instance_metadata_defaults.as_result() {
            Err(why) => out.error(
                resource,
                format!("instance metadata defaults (GetInstanceMetadataDefaults) could not be read: {why}"),
            ),
            Ok(defaults) => judge(defaults.as_ref()).record(out, resource),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::ec2::InstanceMetadataDefaults;
    use crate::testing::*;

    /// The status and message for the test region with these defaults.
    fn judged(value: Collected<Option<InstanceMetadataDefaults>>) -> (Status, String) {
        let mut account = ec2_account();
        region(&mut account).ec2.instance_metadata_defaults = value;
        let found = run(&CHECK, &account);
        let id = format!("{ACCOUNT}/{REGION}");
        let status = status_of(&found, &id);
        assert_eq!(found[0].resource.kind, "AwsAccount");
        assert_eq!(found[0].resource.region.as_deref(), Some(REGION));
        (status, found[0].message.clone())
    }

    #[test]
    fn required_tokens_or_disabled_endpoint_pass() {
        assert_eq!(judged(defaults(Some("required"), Some("enabled"))).0, Status::Pass);
        assert_eq!(judged(defaults(Some("required"), None)).0, Status::Pass);
        assert_eq!(judged(defaults(Some("optional"), Some("disabled"))).0, Status::Pass);
        assert_eq!(judged(defaults(None, Some("disabled"))).0, Status::Pass);
    }

    #[test]
    fn no_defaults_or_optional_tokens_fail() {
        let (status, message) = judged(Collected::Known(None));
        assert_eq!(status, Status::Fail);
        assert!(message.contains("AMI"), "{message}");
        assert_eq!(judged(defaults(None, None)).0, Status::Fail);
        assert_eq!(judged(defaults(Some("no-preference"), Some("enabled"))).0, Status::Fail);
        let (status, message) = judged(defaults(Some("optional"), Some("enabled")));
        assert_eq!(status, Status::Fail);
        assert_eq!(message, "IMDSv1 allowed by default for new instances (http_tokens = optional)");
    }

    #[test]
    fn errors_when_unreadable_or_unrecognised() {
        let (status, message) = judged(denied());
        assert_eq!(status, Status::Error);
        assert!(message.contains("AccessDenied"), "{message}");
        assert_eq!(judged(defaults(Some("sometimes"), Some("enabled"))).0, Status::Error);
        // A region audited but never collected is an ERROR too, not a silent pass.
        let mut account = ec2_account();
        account.regional.clear();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
