use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_ssh_exposed_to_internet",
    service: "SSH",
    ports_text: "TCP 22",
    why: "SSH is a shell on the machine: the internet's scanners try stolen and guessed credentials on every open port 22 within minutes, and a vulnerable or misconfigured daemon hands over the host.",
    remediation: "Reach the instance through Session Manager or a bastion reached over a VPN instead of a public port 22.",
    reference: "CIS AWS Foundations Benchmark v5.0.0, controls 5.3 and 5.4, judge the group rules: ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
    ports: [
    tcp(22, "SSH"),
    ],
}
