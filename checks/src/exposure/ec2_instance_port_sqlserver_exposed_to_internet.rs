use super::{service_port_check, tcp, udp};

service_port_check! {
    id: "ec2_instance_port_sqlserver_exposed_to_internet",
    service: "SQL Server",
    ports_text: "TCP 1433, TCP 1434, UDP 1434",
    why: "SQL Server on the internet takes password guesses for `sa` and other logins, and its browser service (UDP 1434) is the path the Slammer worm took.",
    remediation: "Put the database in a private subnet and reach it from the application's security group only.",
    reference: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    ports: [
    tcp(1433, "SQL Server"),
    tcp(1434, "SQL Server admin"),
    udp(1434, "SQL Server browser"),
    ],
}
