use super::{fail_unless_unused, security_groups, sg_resource, used_groups};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::net::{PrefixLists, all_tcp_ports_open};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No security group opens every TCP port to the internet: an ingress rule with protocol
    /// `-1` (all traffic), a `tcp` rule for `0-65535`, or several `tcp` rules whose ranges
    /// add up to every port, with sources that cover the whole public IPv4 or IPv6 space.
    /// `1-65535` counts as all ports (port 0 is not usable). Prefix lists are resolved.
    /// A group that no network interface uses (no instance, load balancer node, database,
    /// function or endpoint carries it) opens nothing today: its FAIL is informational and says
    /// so; `ec2_instance_port_*_exposed_to_internet` judge what the internet actually reaches.
    /// ## Why it matters
    /// A group open on every port exposes every service on every instance that uses it,
    /// including the ones nobody knows are listening: databases, debug consoles, agents.
    /// It is usually a temporary rule that was never removed.
    /// ## Remediation
    /// Replace the rule by rules for the ports the workload serves:
    /// `aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]`
    /// then `aws ec2 authorize-security-group-ingress --group-id <sg> --protocol tcp --port 443 --cidr 0.0.0.0/0`
    /// (or a narrower source).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, controls 5.3 and 5.4
    /// - AWS Foundational Security Best Practices, control EC2.18
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
    pub static CHECK = {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
        title: "Security groups do not allow ingress from the internet to all ports",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::SecurityGroups, Source::ManagedPrefixLists, Source::NetworkInterfaces],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(groups) = security_groups(account, region, inv, out) else { continue };
        let lists = PrefixLists::new(&inv.ec2.managed_prefix_lists);
        let used = used_groups(inv);
        for group in groups {
            let resource = sg_resource(account, region, group);
            let unused = used.as_ref().is_some_and(|used| !used.contains(group.group_id.as_str()));
            match all_tcp_ports_open(&[group], lists) {
                Ok(Some(open)) => fail_unless_unused(
                    out,
                    resource,
                    format!("all TCP ports open to the internet from {}", open.describe(3)),
                    unused,
                ),
                Ok(None) => out.pass(resource, "not every port is open to the internet"),
                Err(e) => out.error(resource, format!("cannot tell whether all ports are open to the internet: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn fails_all_ports_and_passes_some_ports() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                sg("sg-all", vec![all_traffic(&["0.0.0.0/0"])]),
                sg("sg-tcp-all", vec![tcp(0, 65535, &["::/0"])]),
                sg("sg-split", vec![tcp(0, 32767, &["0.0.0.0/0"]), tcp(32768, 65535, &["0.0.0.0/0"])]),
                sg("sg-web", vec![tcp(443, 443, &["0.0.0.0/0"])]),
                sg("sg-internal", vec![all_traffic(&["10.0.0.0/8"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-all"), Status::Fail);
        assert_eq!(status_of(&found, "sg-tcp-all"), Status::Fail);
        assert_eq!(status_of(&found, "sg-split"), Status::Fail);
        assert_eq!(status_of(&found, "sg-web"), Status::Pass);
        assert_eq!(status_of(&found, "sg-internal"), Status::Pass);
        assert_eq!(found[0].message, "all TCP ports open to the internet from 0.0.0.0/0 (all traffic)");
    }

    #[test]
    fn errors_when_sources_or_groups_are_unreadable() {
        let mut account = ec2_account();
        set_groups(&mut account, vec![sg("sg-1", vec![via_prefix_list(all_traffic(&[]), "pl-missing")])]);
        assert_eq!(status_of(&run(&CHECK, &account), "sg-1"), Status::Error);

        region(&mut account).ec2.security_groups = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
