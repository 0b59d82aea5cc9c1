use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_telnet_exposed_to_internet",
    service: "Telnet",
    ports_text: "TCP 23",
    why: "Telnet sends credentials in clear text and its daemons are rarely patched; botnets such as Mirai spread by scanning port 23.",
    remediation: "Turn Telnet off and use SSH or Session Manager.",
    reference: "https://attack.mitre.org/techniques/T1021/",
    ports: [
    tcp(23, "Telnet"),
    ],
}
