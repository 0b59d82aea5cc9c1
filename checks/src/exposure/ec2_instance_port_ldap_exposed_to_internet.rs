use super::{service_port_check, tcp, udp};

service_port_check! {
    id: "ec2_instance_port_ldap_exposed_to_internet",
    service: "LDAP",
    ports_text: "TCP 389, UDP 389, TCP 636",
    why: "A directory reachable from the internet leaks its users and groups to anonymous binds, takes password guesses, and connectionless LDAP (UDP 389) is abused for reflection attacks.",
    remediation: "Keep directories in private subnets reached over a VPN or Direct Connect.",
    reference: "https://attack.mitre.org/techniques/T1087/002/",
    ports: [
    tcp(389, "LDAP"),
    udp(389, "CLDAP"),
    tcp(636, "LDAPS"),
    ],
}
