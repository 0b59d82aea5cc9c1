use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_kafka_exposed_to_internet",
    service: "Kafka",
    ports_text: "TCP 9092",
    why: "A Kafka broker without authentication lets anyone read every topic and write into them.",
    remediation: "Keep brokers in private subnets (or use Amazon MSK with IAM or SASL authentication) reached from producers and consumers only.",
    reference: "https://kafka.apache.org/documentation/#security",
    ports: [
    tcp(9092, "Kafka"),
    ],
}
