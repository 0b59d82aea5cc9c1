use super::{security_groups, sg_resource};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The default security group of every VPC (the group named `default`) has no inbound
    /// and no outbound rules, so that it denies all traffic.
    /// ## Why it matters
    /// Resources launched without an explicit group land in the default group. If it allows
    /// traffic, those resources are reachable (by default, from everything else in the same
    /// group) without anyone having decided so; an empty default group forces every workload
    /// onto a group designed for it.
    /// ## Remediation
    /// Move resources to purpose-built groups, then remove every rule of the default group:
    /// `aws ec2 revoke-security-group-ingress --group-id <default-sg> --ip-permissions "$(aws ec2 describe-security-groups --group-ids <default-sg> --query 'SecurityGroups[0].IpPermissions')"`
    /// and the same with `revoke-security-group-egress` and `IpPermissionsEgress`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.5
    /// - AWS Foundational Security Best Practices, control EC2.2
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
    pub static CHECK = {
        id: "ec2_securitygroup_default_restrict_traffic",
        title: "Default security groups restrict all traffic",
        measure: Measure::Network,
        severity: Severity::Medium,
        reads: [Source::SecurityGroups],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(groups) = security_groups(account, region, inv, out) else { continue };
        for group in groups.iter().filter(|g| g.group_name == "default") {
            let resource = sg_resource(account, region, group);
            let vpc = group.vpc_id.as_deref().unwrap_or("no VPC");
            match (group.ip_permissions.len(), group.ip_permissions_egress.len()) {
                (0, 0) => out.pass(resource, format!("default group of {vpc} has no rules")),
                (inbound, outbound) => out.fail(
                    resource,
                    format!("default group of {vpc} has {inbound} inbound and {outbound} outbound rule(s)"),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::ec2::SecurityGroup;
    use crate::testing::*;

    fn default_group(id: &str, ingress: usize, egress: usize) -> SecurityGroup {
        let mut group = sg(id, vec![via_group(all_traffic(&[]), id); ingress]);
        group.group_name = "default".to_string();
        group.ip_permissions_egress = vec![all_traffic(&["0.0.0.0/0"]); egress].into();
        group
    }

    #[test]
    fn only_default_groups_and_only_when_empty() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                default_group("sg-as-created", 1, 1),
                default_group("sg-egress-only", 0, 1),
                default_group("sg-emptied", 0, 0),
                sg("sg-app", vec![tcp(443, 443, &["0.0.0.0/0"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 3, "non-default groups are not judged: {found:#?}");
        assert_eq!(status_of(&found, "sg-as-created"), Status::Fail);
        assert_eq!(status_of(&found, "sg-egress-only"), Status::Fail);
        assert_eq!(status_of(&found, "sg-emptied"), Status::Pass);
        assert_eq!(found[0].message, "default group of vpc-1 has 1 inbound and 1 outbound rule(s)");
    }

    #[test]
    fn errors_when_groups_are_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.security_groups = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
