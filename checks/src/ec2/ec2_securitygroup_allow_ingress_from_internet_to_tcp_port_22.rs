use super::{NamedPort, sg_ports_check};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No security group lets the internet reach TCP port 22 (SSH): no ingress rule whose
    /// protocol is `tcp` (with a port range containing 22) or `-1` (all traffic) has sources
    /// that, together with the other rules of the group for that port, cover the whole public
    /// IPv4 space (`0.0.0.0/0`, or e.g. `0.0.0.0/1` + `128.0.0.0/1`) or the whole public IPv6
    /// space (`::/0`). Managed prefix lists are resolved to their CIDRs; a prefix list that
    /// could not be read makes the group ERROR unless it is already open without it.
    /// A group that no network interface uses (no instance, load balancer node, database,
    /// function or endpoint carries it) opens nothing today: its FAIL is informational and says
    /// so; `ec2_instance_port_*_exposed_to_internet` judge what the internet actually reaches.
    /// ## Why it matters
    /// SSH open to the world is scanned within minutes of an instance coming up: every weak
    /// key, reused password or unpatched sshd becomes a way in, and the attempts drown the
    /// logs. Administration should come from known networks, a bastion or Session Manager.
    /// ## Remediation
    /// Remove the rule, or narrow its source to your administration ranges:
    /// `aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 22 --cidr 0.0.0.0/0`
    /// (and `--ip-permissions` with `Ipv6Ranges=[{CidrIpv6=::/0}]` for IPv6), then
    /// `aws ec2 authorize-security-group-ingress --group-id <sg> --protocol tcp --port 22 --cidr <office>/24`.
    /// Prefer AWS Systems Manager Session Manager, which needs no inbound port at all.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, controls 5.3 and 5.4
    /// - AWS Foundational Security Best Practices, controls EC2.18 and EC2.19 (EC2.13, its CIS-only
    ///   twin, is not part of that standard)
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
    pub static CHECK = {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        title: "Security groups do not allow ingress from the internet to TCP port 22 (SSH)",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::SecurityGroups, Source::ManagedPrefixLists, Source::NetworkInterfaces],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    sg_ports_check(account, out, &[NamedPort { port: 22, name: "SSH" }]);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn fails_open_groups_and_passes_the_rest() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                sg("sg-open", vec![tcp(20, 25, &["0.0.0.0/0"])]),
                sg("sg-halves", vec![tcp(22, 22, &["0.0.0.0/1"]), all_traffic(&["128.0.0.0/1"])]),
                sg("sg-v6", vec![tcp(22, 22, &["::/0"])]),
                sg("sg-office", vec![tcp(22, 22, &["81.2.69.0/24"]), tcp(443, 443, &["0.0.0.0/0"])]),
                sg("sg-empty", vec![]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-open"), Status::Fail);
        assert_eq!(status_of(&found, "sg-halves"), Status::Fail);
        assert_eq!(status_of(&found, "sg-v6"), Status::Fail);
        assert_eq!(status_of(&found, "sg-office"), Status::Pass);
        assert_eq!(status_of(&found, "sg-empty"), Status::Pass);
        let open = found.iter().find(|r| r.resource.id == "sg-open").map(|r| r.message.as_str());
        assert_eq!(open, Some("open to the internet: TCP 22 (SSH) from 0.0.0.0/0 (tcp 20-25)"));
        let office = found.iter().find(|r| r.resource.id == "sg-office").map(|r| r.message.as_str());
        assert_eq!(office, Some("no ingress from the internet to TCP 22 (SSH) (widest public source 81.2.69.0/24)"));
        let resource = &found[0].resource;
        assert_eq!(resource.arn.as_deref(), Some(arn("security-group/sg-open").as_str()));
        assert_eq!((resource.kind, resource.region.as_deref()), ("AwsEc2SecurityGroup", Some(REGION)));
    }

    #[test]
    fn prefix_list_resolved_to_the_internet_fails() {
        let mut account = ec2_account();
        set_prefix_lists(&mut account, vec![prefix_list("pl-any", &["0.0.0.0/0"])]);
        set_groups(&mut account, vec![sg("sg-1", vec![via_prefix_list(tcp(22, 22, &[]), "pl-any")])]);
        assert_eq!(status_of(&run(&CHECK, &account), "sg-1"), Status::Fail);
    }

    #[test]
    fn errors_when_groups_or_sources_are_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.managed_prefix_lists = denied();
        set_groups(
            &mut account,
            vec![
                sg("sg-pl", vec![via_prefix_list(tcp(22, 22, &[]), "pl-1")]),
                sg("sg-bad-cidr", vec![tcp(22, 22, &["10.0.0.300/8"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-pl"), Status::Error);
        assert_eq!(status_of(&found, "sg-bad-cidr"), Status::Error);
        assert!(found.iter().all(|r| r.message.contains("cannot tell")), "{found:#?}");

        region(&mut account).ec2.security_groups = Collected::unknown(crate::inventory::Cause::Denied, "AccessDenied");
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);
        assert_eq!(found.len(), 1);
    }
}
