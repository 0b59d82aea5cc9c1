use super::{NamedPort, sg_ports_check};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

/// The high-risk ports of Security Hub's EC2.19, less 22 (SSH) and 3389 (RDP), which have
/// checks of their own; this covers the ports Prowler's check of the same id names too.
const HIGH_RISK: &[NamedPort] = &[
    NamedPort { port: 20, name: "FTP data" },
    NamedPort { port: 21, name: "FTP" },
    NamedPort { port: 23, name: "Telnet" },
    NamedPort { port: 25, name: "SMTP" },
    NamedPort { port: 110, name: "POP3" },
    NamedPort { port: 135, name: "MSRPC" },
    NamedPort { port: 143, name: "IMAP" },
    NamedPort { port: 445, name: "SMB" },
    NamedPort { port: 1433, name: "SQL Server" },
    NamedPort { port: 1434, name: "SQL Server browser" },
    NamedPort { port: 3000, name: "web development servers" },
    NamedPort { port: 3306, name: "MySQL" },
    NamedPort { port: 4333, name: "mSQL" },
    NamedPort { port: 5000, name: "development servers" },
    NamedPort { port: 5432, name: "PostgreSQL" },
    NamedPort { port: 5500, name: "VNC" },
    NamedPort { port: 5601, name: "Kibana" },
    NamedPort { port: 8080, name: "HTTP alternate" },
    NamedPort { port: 8088, name: "HTTP alternate" },
    NamedPort { port: 8888, name: "HTTP alternate" },
    NamedPort { port: 9200, name: "Elasticsearch" },
    NamedPort { port: 9300, name: "Elasticsearch transport" },
];

declare_check! {
    /// ## What it checks
    /// No security group lets the internet reach any of the high-risk TCP ports of Security
    /// Hub's EC2.19 other than SSH and RDP (which have checks of their own): 20 and 21 (FTP),
    /// 23 (Telnet), 25 (SMTP), 110 (POP3), 135 (MSRPC), 143 (IMAP), 445 (SMB), 1433 and 1434
    /// (SQL Server), 3000, 3306 (MySQL), 4333 (mSQL), 5000, 5432 (PostgreSQL), 5500 (VNC),
    /// 5601 (Kibana), 8080, 8088, 8888, 9200 and 9300 (Elasticsearch): for each port, the sources of the group's ingress rules that cover it
    /// (`tcp` ranges containing it, `-1` all traffic, resolved prefix lists) must not together
    /// cover the whole public IPv4 or IPv6 space. The finding names every open port.
    /// A group that no network interface uses (no instance, load balancer node, database,
    /// function or endpoint carries it) opens nothing today: its FAIL is informational and says
    /// so; `ec2_instance_port_*_exposed_to_internet` judge what the internet actually reaches.
    /// ## Why it matters
    /// These ports belong to file transfer, Telnet, mail, Windows file sharing and RPC,
    /// databases, search clusters, remote desktops and development servers: services that are rarely hardened for the open internet, are
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
        reads: [Source::SecurityGroups, Source::ManagedPrefixLists, Source::NetworkInterfaces],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    sg_ports_check(account, out, HIGH_RISK);
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::testing::*;

    #[test]
    fn names_every_open_high_risk_port() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                sg("sg-mail", vec![tcp(25, 25, &["0.0.0.0/0"]), tcp(8000, 8100, &["::/0"])]),
                sg("sg-web", vec![tcp(80, 80, &["0.0.0.0/0"]), tcp(443, 443, &["0.0.0.0/0"])]),
                sg("sg-smb-office", vec![tcp(445, 445, &["81.2.69.0/24"])]),
                sg("sg-databases", vec![tcp(3306, 3306, &["0.0.0.0/0"]), tcp(9200, 9300, &["::/0"])]),
                // SSH and RDP have checks of their own.
                sg("sg-admin", vec![tcp(22, 22, &["0.0.0.0/0"]), tcp(3389, 3389, &["0.0.0.0/0"])]),
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
        assert_eq!(status_of(&found, "sg-databases"), Status::Fail);
        let databases =
            found.iter().find(|r| r.resource.id == "sg-databases").map(|r| r.message.clone()).unwrap_or_default();
        for port in ["TCP 3306 (MySQL)", "TCP 9200 (Elasticsearch)", "TCP 9300 (Elasticsearch transport)"] {
            assert!(databases.contains(port), "{port} missing from: {databases}");
        }
        assert_eq!(status_of(&found, "sg-admin"), Status::Pass);
    }

    #[test]
    fn errors_when_undecidable_but_fails_when_certain() {
        let mut account = ec2_account();
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
