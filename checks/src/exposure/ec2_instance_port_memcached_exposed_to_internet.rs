use super::{service_port_check, tcp, udp};

service_port_check! {
    id: "ec2_instance_port_memcached_exposed_to_internet",
    service: "Memcached",
    ports_text: "TCP 11211, UDP 11211",
    why: "Memcached has no authentication: an open port gives away the cache, and UDP 11211 carried the largest reflection attacks recorded (51,000x amplification).",
    remediation: "Keep Memcached in a private subnet, turn UDP off, and reach it from the application only.",
    reference: "https://www.cisa.gov/news-events/alerts/2018/02/27/udp-based-amplification-attacks",
    ports: [
    tcp(11211, "Memcached"),
    udp(11211, "Memcached"),
    ],
}
