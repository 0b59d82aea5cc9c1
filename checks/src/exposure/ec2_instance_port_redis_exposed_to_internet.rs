use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_redis_exposed_to_internet",
    service: "Redis",
    ports_text: "TCP 6379",
    why: "Redis has no authentication by default: an open port lets anyone read and write the data and, through CONFIG SET, write files on the host.",
    remediation: "Keep Redis in a private subnet (or use ElastiCache with AUTH and encryption in transit) reached from the application only.",
    reference: "https://redis.io/docs/latest/operate/oss_and_stack/management/security/",
    ports: [
    tcp(6379, "Redis"),
    ],
}
