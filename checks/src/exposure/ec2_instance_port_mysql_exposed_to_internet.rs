use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_mysql_exposed_to_internet",
    service: "MySQL",
    ports_text: "TCP 3306",
    why: "A database port on the internet takes password guesses for its accounts, and a weak or default account gives away the data.",
    remediation: "Put the database in a private subnet and reach it from the application's security group only.",
    reference: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    ports: [
    tcp(3306, "MySQL"),
    ],
}
