use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_cassandra_exposed_to_internet",
    service: "Cassandra",
    ports_text: "TCP 7000, TCP 7001, TCP 7199, TCP 9042, TCP 9160",
    why: "Cassandra's default configuration has no authentication on CQL and JMX: an open port gives away the data and, through JMX, code execution.",
    remediation: "Keep the cluster in private subnets and reach CQL from the application only; never expose JMX.",
    reference: "https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html",
    ports: [
    tcp(7000, "Cassandra inter-node"),
    tcp(7001, "Cassandra inter-node (TLS)"),
    tcp(7199, "Cassandra JMX"),
    tcp(9042, "Cassandra CQL"),
    tcp(9160, "Cassandra Thrift"),
    ],
}
