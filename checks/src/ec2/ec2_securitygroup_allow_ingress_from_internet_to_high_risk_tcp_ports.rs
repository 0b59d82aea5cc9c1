use super::{NamedPort, sg_ports_check};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

/// The ports Prowler calls high-risk for this check.
const HIGH_RISK: &[NamedPort] = &[
    NamedPort { port: 25, name: "SMTP" },
    NamedPort { port: 110, name: "POP3" },
    NamedPort { port: 135, name: "MSRPC" },
    NamedPort { port: 143, name: "IMAP" },
    NamedPort { port: 445, name: "SMB" },
    NamedPort { port: 3000, name: "web development servers" },
    NamedPort { port: 4333, name: "mSQL" },
    NamedPort { port: 5000, name: "development servers" },
    NamedPort { port: 5500, name: "VNC" },
    NamedPort { port: 8080, name: "HTTP alternate" },
    NamedPort { port: 8088, name: "HTTP alternate" },
];

declare_check! {
    /// ## What it checks
    /// No security group lets the internet reach any of the high-risk TCP ports 25 (SMTP),
    /// 110 (POP3), 135 (MSRPC), 143 (IMAP), 445 (SMB), 3000, 4333 (mSQL), 5000, 5500 (VNC),
    /// 8080 and 8088: for each port, the sources of the group's ingress rules that cover it
    /// (`tcp` ranges containing it, `-1` all traffic, resolved prefix lists) must not together
    /// cover the whole public IPv4 or IPv6 space. The finding names every open port.
    /// ## Why it matters
    /// These ports belong to mail, Windows file sharing and RPC, remote desktops and
    /// development servers: services that are rarely hardened for the open internet, are
    /// constantly scanned for, and have a long history of remotely exploitable flaws.
    /// ## Remediation
    /// For each port named in the finding, revoke the rule
    /// (`aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port <port> --cidr 0.0.0.0/0`,
    /// and the `::/0` one) and allow only the networks that need the service, or put it behind
    /// a load balancer, VPN or private endpoint.
    /// ## References
    /// - AWS Foundational Security Best Practices, control EC2.19
    /// - https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html
    pub static CHECK = {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
        title: "Security groups do not allow ingress from the internet to high-risk TCP ports",
        measure: Measure::Network,
        severity: Severity::High,
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    sg_ports_check(account, out, HIGH_RISK);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::net::testing::*;
    use crate::testing::{ACCOUNT, denied, run, status_of};

    #[test]
    fn names_every_open_high_risk_port() {
        let mut account = account();
        set_groups(
            &mut account,
            vec![
                sg("sg-mail", vec![tcp(25, 25, &["0.0.0.0/0"]), tcp(8000, 8100, &["::/0"])]),
                sg("sg-web", vec![tcp(80, 80, &["0.0.0.0/0"]), tcp(443, 443, &["0.0.0.0/0"])]),
                sg("sg-smb-office", vec![tcp(445, 445, &["81.2.69.0/24"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-mail"), Status::Fail);
        assert_eq!(status_of(&found, "sg-web"), Status::Pass);
        assert_eq!(status_of(&found, "sg-smb-office"), Status::Pass);
        let mail = found.iter().find(|r| r.resource.id == "sg-mail").map(|r| r.message.clone()).unwrap_or_default();
        for port in ["TCP 25 (SMTP)", "TCP 8080", "TCP 8088"] {
            assert!(mail.contains(port), "{port} missing from: {mail}");
        }
        assert!(!mail.contains("TCP 445"), "{mail}");
    }

    #[test]
    fn errors_when_undecidable_but_fails_when_certain() {
        let mut account = account();
        set_groups(
            &mut account,
            vec![
                sg("sg-bad", vec![tcp(445, 445, &["abc"])]),
                sg("sg-bad-but-open", vec![tcp(445, 445, &["abc"]), tcp(25, 25, &["0.0.0.0/0"])]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sg-bad"), Status::Error);
        assert_eq!(status_of(&found, "sg-bad-but-open"), Status::Fail);
        let msg =
            found.iter().find(|r| r.resource.id == "sg-bad-but-open").map(|r| r.message.clone()).unwrap_or_default();
        assert!(msg.contains("also undecided") && msg.contains("'abc'"), "{msg}");

        region(&mut account).ec2.security_groups = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
