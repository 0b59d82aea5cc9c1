use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_oracle_exposed_to_internet",
    service: "Oracle",
    ports_text: "TCP 1521, TCP 2483, TCP 2484",
    why: "An Oracle listener on the internet takes password guesses and exposes listener flaws (TNS poisoning) to anyone.",
    remediation: "Put the database in a private subnet and reach it from the application's security group only.",
    reference: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    ports: [
    tcp(1521, "Oracle listener"),
    tcp(2483, "Oracle listener"),
    tcp(2484, "Oracle listener (TLS)"),
    ],
}
