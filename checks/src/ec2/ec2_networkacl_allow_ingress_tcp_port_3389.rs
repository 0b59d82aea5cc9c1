use super::{NamedPort, nacl_port_check};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No network ACL lets the internet reach TCP port 3389 (Remote Desktop) through its inbound
    /// entries. Entries are evaluated as AWS does, lowest rule number first, the first match
    /// deciding: the port is reachable when an allow entry for TCP 3389 (protocol `6` with a
    /// range containing 3389, or `-1`) whose source is the internet (`0.0.0.0/0`, `::/0`, or
    /// the widest allows that together cover the public space) still admits public addresses
    /// after the lower-numbered entries. A deny of `0.0.0.0/0` on 3389 with a lower number
    /// than the allow closes it; a deny of one half of the space does not.
    /// ## Why it matters
    /// Network ACLs are the subnet-wide second line behind security groups. If a subnet's ACL
    /// admits RDP from anywhere, one permissive security group is all it takes to expose the
    /// administration port of every instance in the subnet.
    /// ## Remediation
    /// Add a deny entry for TCP 3389 from `0.0.0.0/0` (and `::/0`) with a rule number lower
    /// than the allow, or narrow the allow to trusted ranges:
    /// `aws ec2 create-network-acl-entry --network-acl-id <acl> --ingress --rule-number 90 --protocol 6 --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.2
    /// - AWS Foundational Security Best Practices, control EC2.21
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
    pub static CHECK = {
        id: "ec2_networkacl_allow_ingress_tcp_port_3389",
        title: "Network ACLs do not allow ingress from the internet to TCP port 3389 (RDP)",
        measure: Measure::Network,
        severity: Severity::Medium,
        reads: [Source::NetworkAcls],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    nacl_port_check(account, out, &NamedPort { port: 3389, name: "RDP" });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn rule_order_decides() {
        let port = Some((3389, 3389));
        let mut account = ec2_account();
        set_nacls(
            &mut account,
            vec![
                nacl("acl-allow-all", vec![entry(100, "-1", "allow", "0.0.0.0/0", None)]),
                nacl(
                    "acl-deny-first",
                    vec![entry(90, "6", "deny", "0.0.0.0/0", port), entry(100, "-1", "allow", "0.0.0.0/0", None)],
                ),
                nacl(
                    "acl-deny-later",
                    vec![entry(100, "-1", "allow", "0.0.0.0/0", None), entry(110, "6", "deny", "0.0.0.0/0", port)],
                ),
                nacl(
                    "acl-deny-halves",
                    vec![
                        entry(10, "-1", "deny", "0.0.0.0/1", None),
                        entry(20, "-1", "deny", "128.0.0.0/1", None),
                        entry(100, "-1", "allow", "0.0.0.0/0", None),
                    ],
                ),
                nacl("acl-v6", vec![entry(100, "6", "allow", "::/0", Some((0, 65535)))]),
                nacl("acl-office", vec![entry(100, "6", "allow", "81.2.69.0/24", port)]),
                nacl("acl-default-deny-only", vec![]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "acl-allow-all"), Status::Fail);
        assert_eq!(status_of(&found, "acl-deny-first"), Status::Pass);
        assert_eq!(status_of(&found, "acl-deny-later"), Status::Fail);
        assert_eq!(status_of(&found, "acl-deny-halves"), Status::Pass);
        assert_eq!(status_of(&found, "acl-v6"), Status::Fail);
        assert_eq!(status_of(&found, "acl-office"), Status::Pass);
        assert_eq!(status_of(&found, "acl-default-deny-only"), Status::Pass);
        assert_eq!(found[0].message, "TCP 3389 (RDP) reachable from the internet: rule 100 allows 0.0.0.0/0");
        assert_eq!(found[0].resource.arn.as_deref(), Some(arn("network-acl/acl-allow-all").as_str()));
        assert_eq!(found[0].resource.kind, "AwsEc2NetworkAcl");
    }

    #[test]
    fn errors_on_malformed_entries_and_unreadable_acls() {
        let mut account = ec2_account();
        set_nacls(&mut account, vec![nacl("acl-bad", vec![entry(100, "-1", "allow", "10.0.0.300/8", None)])]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "acl-bad"), Status::Error);
        assert!(found[0].message.contains("10.0.0.300/8"), "{}", found[0].message);

        region(&mut account).ec2.network_acls = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
