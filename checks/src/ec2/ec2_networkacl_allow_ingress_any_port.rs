use super::{nacl_resource, network_acls};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::net::Inbound;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No network ACL lets the internet reach any port through its inbound entries: no TCP
    /// port, no UDP port and no other protocol (through an all-traffic `-1` entry) is still
    /// admitted from the internet after the entries are applied in rule-number order (see
    /// `ec2_networkacl_allow_ingress_tcp_port_22` for what counts as "from the internet").
    /// A deny of port 22 in front of an allow-all still leaves every other port open. The
    /// finding names the port ranges that are open and the entry that opens them.
    /// ## Why it matters
    /// An ACL that admits everything from everywhere adds no defence in depth: the subnet's
    /// exposure is then decided by security groups alone. Note that ACLs are stateless, so a
    /// subnet whose instances open outbound connections needs inbound ephemeral ports
    /// (1024-65535) from the servers it talks to: such an entry is reported too, and may be
    /// muted once reviewed.
    /// ## Remediation
    /// Replace an allow-all inbound entry by entries for the ports the subnet serves, and
    /// narrow their sources where you can:
    /// `aws ec2 replace-network-acl-entry --network-acl-id <acl> --ingress --rule-number 100 --protocol 6 --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.2
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
    pub static CHECK = {
        id: "ec2_networkacl_allow_ingress_any_port",
        title: "Network ACLs do not allow ingress from the internet to any port",
        measure: Measure::Network,
        severity: Severity::Medium,
        reads: [Source::NetworkAcls],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(acls) = network_acls(account, region, inv, out) else { continue };
        for acl in acls {
            let resource = nacl_resource(account, region, acl);
            let inbound = match Inbound::of(acl) {
                Ok(inbound) => inbound,
                Err(e) => {
                    out.error(resource, format!("cannot evaluate the inbound entries: {e}"));
                    continue;
                }
            };
            let open = inbound.any_internet_reach();
            if open.is_empty() {
                out.pass(resource, "no port reachable from the internet");
                continue;
            }
            let mut parts: Vec<String> =
                open.iter().take(3).map(|(what, reach)| format!("{what} ({})", reach.describe())).collect();
            if open.len() > 3 {
                parts.push(format!("and {} more range(s)", open.len() - 3));
            }
            out.fail(resource, format!("reachable from the internet: {}", parts.join("; ")));
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
    fn any_port_left_open_fails() {
        let mut account = ec2_account();
        set_nacls(
            &mut account,
            vec![
                nacl(
                    "acl-deny-22-allow-all",
                    vec![
                        entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
                        entry(100, "-1", "allow", "0.0.0.0/0", None),
                    ],
                ),
                nacl("acl-udp", vec![entry(100, "17", "allow", "::/0", Some((53, 53)))]),
                nacl("acl-office", vec![entry(100, "-1", "allow", "81.2.69.0/24", None)]),
                nacl(
                    "acl-deny-all-first",
                    vec![entry(1, "-1", "deny", "0.0.0.0/0", None), entry(100, "-1", "allow", "0.0.0.0/0", None)],
                ),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "acl-deny-22-allow-all"), Status::Fail);
        assert_eq!(status_of(&found, "acl-udp"), Status::Fail);
        assert_eq!(status_of(&found, "acl-office"), Status::Pass);
        assert_eq!(status_of(&found, "acl-deny-all-first"), Status::Pass);
        assert_eq!(
            found[0].message,
            "reachable from the internet: TCP 0-21 (rule 100 allows 0.0.0.0/0); TCP 23-65535 (rule 100 allows 0.0.0.0/0); \
             UDP 0-65535 (rule 100 allows 0.0.0.0/0); and 1 more range(s)"
        );
    }

    #[test]
    fn errors_on_malformed_entries_and_unreadable_acls() {
        let mut account = ec2_account();
        set_nacls(&mut account, vec![nacl("acl-bad", vec![entry(100, "6", "allow", "0.0.0.0/0", None)])]);
        assert_eq!(status_of(&run(&CHECK, &account), "acl-bad"), Status::Error);

        region(&mut account).ec2.network_acls = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
