use super::{instance_resource, instances, known_list};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every running EC2 instance is a Systems Manager managed node: it appears in the
    /// region's SSM DescribeInstanceInformation list. Instances that are not running are not
    /// judged (the SSM agent cannot report from a stopped instance). The finding of a managed
    /// instance names its agent ping status. If either list could not be read, the region is
    /// an ERROR.
    /// ## Why it matters
    /// Patch Manager, inventory, Session Manager and Run Command only reach managed nodes. An
    /// unmanaged instance is patched by hand or not at all, and has to be reached through SSH
    /// or RDP rather than audited sessions.
    /// ## Remediation
    /// Install or start the SSM Agent (preinstalled on Amazon Linux, Ubuntu and Windows AMIs),
    /// attach an instance profile with the `AmazonSSMManagedInstanceCore` policy (or turn on
    /// Default Host Management Configuration), and let the instance reach the SSM endpoints
    /// (internet, NAT or VPC endpoints for `ssm`, `ssmmessages` and `ec2messages`).
    /// ## References
    /// - AWS Foundational Security Best Practices, control SSM.1
    /// - https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html
    pub static CHECK = {
        id: "ec2_instance_managed_by_ssm",
        title: "Running EC2 instances are managed by AWS Systems Manager",
        measure: Measure::Patching,
        severity: Severity::Medium,
        reads: [Source::Instances, Source::SsmManagedInstances],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(all) = instances(account, region, inv, out) else { continue };
        let what = "SSM managed instances (DescribeInstanceInformation)";
        let Some(managed) = known_list(account, region, &inv.ssm.managed_instances, "AwsEc2Instance", what, out) else {
            continue;
        };
        for instance in all.iter().filter(|i| i.state.as_deref() == Some("running")) {
            let resource = instance_resource(account, region, &instance.instance_id);
            match managed.iter().find(|m| m.instance_id == instance.instance_id) {
                Some(node) => {
                    let ping = node.ping_status.as_deref().unwrap_or("unknown");
                    out.pass(resource, format!("managed by Systems Manager (agent ping status {ping})"));
                }
                None => out.fail(resource, "running but not managed by Systems Manager"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::AccountInventory;
    use crate::inventory::Collected;
    use crate::inventory::ec2::Instance;
    use crate::ssm::testing::*;
    use crate::testing::*;

    /// An account whose region's EC2 and Systems Manager lists were read and are empty.
    fn account() -> AccountInventory {
        let mut account = ec2_account();
        region(&mut account).ssm = empty_ssm();
        account
    }

    #[test]
    fn running_instances_must_be_managed() {
        let mut account = account();
        let stopped = Instance { state: Some("stopped".to_string()), ..instance("i-stopped") };
        set_instances(&mut account, vec![instance("i-managed"), instance("i-unmanaged"), stopped]);
        region(&mut account).ssm.managed_instances = Collected::Known(vec![managed("i-managed"), managed("mi-onprem")]);
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 2, "stopped instances are not judged: {found:#?}");
        assert_eq!(status_of(&found, "i-managed"), Status::Pass);
        assert_eq!(found[0].message, "managed by Systems Manager (agent ping status Online)");
        assert_eq!(status_of(&found, "i-unmanaged"), Status::Fail);
    }

    #[test]
    fn errors_when_either_list_is_unreadable() {
        let mut account = account();
        set_instances(&mut account, vec![instance("i-1")]);
        region(&mut account).ssm.managed_instances = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);
        assert_eq!(found.len(), 1);

        let mut account = self::account();
        region(&mut account).ec2.instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
