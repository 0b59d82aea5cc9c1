use super::{service_port_check, tcp, udp};

service_port_check! {
    id: "ec2_instance_port_kerberos_exposed_to_internet",
    service: "Kerberos",
    ports_text: "TCP 88, UDP 88, TCP 464, UDP 464, TCP 749, TCP 750",
    why: "A domain controller's Kerberos service reachable from the internet invites password spraying, AS-REP roasting and enumeration of the domain's accounts.",
    remediation: "Keep domain controllers in private subnets reached over a VPN or Direct Connect.",
    reference: "https://attack.mitre.org/techniques/T1558/",
    ports: [
    tcp(88, "Kerberos"),
    udp(88, "Kerberos"),
    tcp(464, "Kerberos password change"),
    udp(464, "Kerberos password change"),
    tcp(749, "Kerberos administration"),
    tcp(750, "Kerberos v4"),
    ],
}
