use super::{NamedPort, sg_ports_check};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No security group lets the internet reach TCP port 3389 (RDP): no ingress rule whose
    /// protocol is `tcp` (with a port range containing 3389) or `-1` (all traffic) has sources
    /// that, together with the other rules of the group for that port, cover the whole public
    /// IPv4 space (`0.0.0.0/0`, or several ranges adding up to it) or the whole public IPv6
    /// space (`::/0`). Managed prefix lists are resolved to their CIDRs.
    /// A group that no network interface uses (no instance, load balancer node, database,
    /// function or endpoint carries it) opens nothing today: its FAIL is informational and says
    /// so; `ec2_instance_port_*_exposed_to_internet` judge what the internet actually reaches.
    /// ## Why it matters
    /// Remote Desktop exposed to the internet is one of the most common ways ransomware
    /// crews get in: password spraying, stolen credentials and RDP vulnerabilities
    /// (BlueKeep) all need nothing more than the open port.
    /// ## Remediation
    /// Remove the rule or narrow its source:
    /// `aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 3389 --cidr 0.0.0.0/0`
    /// (and the `::/0` rule with `--ip-permissions`), then allow only your administration
    /// ranges, or use Session Manager port forwarding or Fleet Manager instead of an open port.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, controls 5.3 and 5.4
    /// - AWS Foundational Security Best Practices, controls EC2.18 and EC2.19 (EC2.14, its CIS-only
    ///   twin, is not part of that standard)
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
    pub static CHECK = {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
        title: "Security groups do not allow ingress from the internet to TCP port 3389 (RDP)",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::SecurityGroups, Source::ManagedPrefixLists, Source::NetworkInterfaces],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    sg_ports_check(account, out, &[NamedPort { port: 3389, name: "RDP" }]);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn fails_open_groups_and_passes_the_rest() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                sg("sg-all", vec![all_traffic(&["0.0.0.0/0"])]),
                sg("sg-v6-halves", vec![tcp(3389, 3389, &["::/1", "8000::/1"])]),
                sg("sg-ssh", vec![tcp(22, 22, &["0.0.0.0/0"])]),
                sg("sg-private", vec![tcp(3389, 3389, &["10.0.0.0/8"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-all"), Status::Fail);
        assert_eq!(status_of(&found, "sg-v6-halves"), Status::Fail);
        assert_eq!(status_of(&found, "sg-ssh"), Status::Pass);
        assert_eq!(status_of(&found, "sg-private"), Status::Pass);
        let all = found.iter().find(|r| r.resource.id == "sg-all").map(|r| r.message.as_str());
        assert_eq!(all, Some("open to the internet: TCP 3389 (RDP) from 0.0.0.0/0 (all traffic)"));
    }

    #[test]
    fn errors_on_unresolved_prefix_list_and_unreadable_groups() {
        let mut account = ec2_account();
        set_groups(&mut account, vec![sg("sg-1", vec![via_prefix_list(tcp(3389, 3389, &[]), "pl-missing")])]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-1"), Status::Error);
        assert!(found[0].message.contains("pl-missing"), "{}", found[0].message);

        region(&mut account).ec2.security_groups = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
