use super::{Verdict, instance_resource, instances, is_live};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::Instance;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EC2 instance that is not terminated either requires IMDSv2 (metadata option
    /// `HttpTokens` = `required`) or has the instance metadata service turned off
    /// (`HttpEndpoint` = `disabled`). An instance whose metadata options were not returned
    /// is an ERROR, not a guess.
    /// ## Why it matters
    /// IMDSv1 answers any plain GET from the instance, so a server-side request forgery in an
    /// application hands out the instance role's credentials (the Capital One breach). IMDSv2
    /// needs a session token obtained with a PUT, which SSRF and open proxies cannot send.
    /// ## Remediation
    /// `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled`
    /// after checking that the software on the instance uses a current AWS SDK; make it the
    /// default for new instances with `aws ec2 modify-instance-metadata-defaults --http-tokens required`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.7
    /// - AWS Foundational Security Best Practices, control EC2.8
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
    pub static CHECK = {
        id: "ec2_instance_imdsv2_enabled",
        title: "EC2 instances require IMDSv2 or have the metadata service disabled",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::Instances],
        eval: evaluate,
    }
}

fn judge(instance: &Instance) -> Verdict {
    let endpoint = instance.metadata_http_endpoint.as_deref().map(str::to_ascii_lowercase);
    let tokens = instance.metadata_http_tokens.as_deref().map(str::to_ascii_lowercase);
    match (endpoint.as_deref(), tokens.as_deref()) {
        (Some("disabled"), _) => Verdict::Pass("instance metadata service disabled".to_string()),
        (_, Some("required")) => Verdict::Pass("IMDSv2 required (http_tokens = required)".to_string()),
        (_, Some("optional")) => Verdict::Fail("IMDSv1 allowed (http_tokens = optional)".to_string()),
        (_, Some(other)) => Verdict::Error(format!("unrecognised metadata http_tokens '{other}'")),
        (_, None) => Verdict::Error("metadata options missing from DescribeInstances".to_string()),
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(all) = instances(account, region, inv, out) else { continue };
        for instance in all.iter().filter(|i| is_live(i)) {
            let resource = instance_resource(account, region, &instance.instance_id);
            judge(instance).record(out, resource);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::ec2::Instance;
    use crate::testing::*;

    fn with(id: &str, tokens: Option<&str>, endpoint: Option<&str>, state: &str) -> Instance {
        Instance {
            metadata_http_tokens: tokens.map(String::from),
            metadata_http_endpoint: endpoint.map(String::from),
            state: Some(state.to_string()),
            ..instance(id)
        }
    }

    #[test]
    fn required_tokens_or_disabled_endpoint_pass() {
        let mut account = ec2_account();
        set_instances(
            &mut account,
            vec![
                with("i-v2", Some("required"), Some("enabled"), "running"),
                with("i-v1", Some("optional"), Some("enabled"), "running"),
                with("i-v1-stopped", Some("optional"), Some("enabled"), "stopped"),
                with("i-off", Some("optional"), Some("disabled"), "running"),
                with("i-gone", Some("optional"), Some("enabled"), "terminated"),
                with("i-no-options", None, None, "running"),
                with("i-odd", Some("sometimes"), Some("enabled"), "running"),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 6, "terminated instances are skipped: {found:#?}");
        assert_eq!(status_of(&found, "i-v2"), Status::Pass);
        assert_eq!(status_of(&found, "i-v1"), Status::Fail);
        assert_eq!(status_of(&found, "i-v1-stopped"), Status::Fail);
        assert_eq!(status_of(&found, "i-off"), Status::Pass);
        assert_eq!(status_of(&found, "i-no-options"), Status::Error);
        assert_eq!(status_of(&found, "i-odd"), Status::Error);
    }

    #[test]
    fn errors_when_instances_are_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
