use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_elasticsearch_kibana_exposed_to_internet",
    service: "Elasticsearch and Kibana",
    ports_text: "TCP 9200, TCP 9300, TCP 5601",
    why: "Open Elasticsearch clusters are among the largest sources of data breaches (billions of records), and Kibana exposes them through a browser.",
    remediation: "Keep the cluster in private subnets (or use OpenSearch Service in a VPC) behind authentication.",
    reference: "https://www.elastic.co/guide/en/elasticsearch/reference/current/secure-cluster.html",
    ports: [
    tcp(9200, "Elasticsearch"),
    tcp(9300, "Elasticsearch transport"),
    tcp(5601, "Kibana"),
    ],
}
