use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_rdp_exposed_to_internet",
    service: "RDP",
    ports_text: "TCP 3389",
    why: "RDP exposed to the internet is a leading way into Windows estates: credential stuffing, BlueKeep-class flaws, and ransomware operators who buy access to open RDP hosts.",
    remediation: "Reach Windows hosts through Fleet Manager (Session Manager) or a VPN; keep 3389 to trusted networks.",
    reference: "CIS AWS Foundations Benchmark v5.0.0, controls 5.3 and 5.4, judge the group rules: ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
    ports: [
    tcp(3389, "RDP"),
    ],
}
