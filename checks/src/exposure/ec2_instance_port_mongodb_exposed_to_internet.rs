use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_mongodb_exposed_to_internet",
    service: "MongoDB",
    ports_text: "TCP 27017, TCP 27018",
    why: "Tens of thousands of MongoDB databases open to the internet have been wiped and held for ransom; older versions accept connections without authentication.",
    remediation: "Put the database in a private subnet, turn authentication on, and reach it from the application's security group only.",
    reference: "https://www.mongodb.com/docs/manual/administration/security-checklist/",
    ports: [
    tcp(27017, "MongoDB"),
    tcp(27018, "MongoDB shard"),
    ],
}
