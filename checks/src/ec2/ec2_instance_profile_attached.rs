use super::{instance_resource, instances, is_live};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EC2 instance that is not terminated has an IAM instance profile attached
    /// (`IamInstanceProfile` in DescribeInstances), so that software on it gets AWS
    /// credentials from an instance role.
    /// ## Why it matters
    /// Without an instance role, code that calls AWS needs long-lived access keys stored on
    /// the instance (in files, environment variables or images), where they leak and are
    /// never rotated. Role credentials are temporary and rotated by AWS.
    /// ## Remediation
    /// Create a role with the permissions the workload needs and an instance profile for it,
    /// then `aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>`;
    /// remove any access keys stored on the instance.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.17
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
    pub static CHECK = {
        id: "ec2_instance_profile_attached",
        title: "EC2 instances have an IAM instance profile",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::Instances],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(all) = instances(account, region, inv, out) else { continue };
        for instance in all.iter().filter(|i| is_live(i)) {
            let resource = instance_resource(account, region, &instance.instance_id);
            match instance.iam_instance_profile_arn.as_deref().filter(|arn| !arn.trim().is_empty()) {
                Some(arn) => out.pass(resource, format!("instance profile {arn}")),
                None => out.fail(resource, "no IAM instance profile attached"),
            }
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

    #[test]
    fn instances_without_a_profile_fail() {
        let mut account = ec2_account();
        let bare = Instance { iam_instance_profile_arn: None, ..instance("i-bare") };
        let mut gone = Instance { iam_instance_profile_arn: None, ..instance("i-gone") };
        gone.state = Some("terminated".to_string());
        set_instances(&mut account, vec![bare, instance("i-role"), gone]);
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 2);
        assert_eq!(status_of(&found, "i-bare"), Status::Fail);
        assert_eq!(status_of(&found, "i-role"), Status::Pass);
    }

    #[test]
    fn errors_when_instances_are_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
