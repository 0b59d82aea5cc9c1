use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_cifs_exposed_to_internet",
    service: "CIFS/SMB",
    ports_text: "TCP 139, TCP 445",
    why: "SMB exposed to the internet is how WannaCry and NotPetya spread, and file shares leak data and credentials (NTLM hashes) to anyone who connects.",
    remediation: "Reach file shares over a VPN or Direct Connect; allow 139 and 445 only from the networks that need them.",
    reference: "CIS AWS Foundations Benchmark v5.0.0, control 5.1.2",
    ports: [
    tcp(139, "NetBIOS session"),
    tcp(445, "SMB/CIFS"),
    ],
}
