use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_postgresql_exposed_to_internet",
    service: "PostgreSQL",
    ports_text: "TCP 5432",
    why: "A database port on the internet takes password guesses for its roles, and a weak or default role gives away the data (and, as superuser, the host).",
    remediation: "Put the database in a private subnet and reach it from the application's security group only.",
    reference: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    ports: [
    tcp(5432, "PostgreSQL"),
    ],
}
