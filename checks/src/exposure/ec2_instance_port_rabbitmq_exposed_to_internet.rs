use super::{service_port_check, tcp};

service_port_check! {
    id: "ec2_instance_port_rabbitmq_exposed_to_internet",
    service: "RabbitMQ",
    ports_text: "TCP 5671, TCP 5672, TCP 15672",
    why: "A message broker on the internet takes password guesses (the `guest` account of old versions), and its management interface gives away the queues.",
    remediation: "Keep brokers in private subnets (or use Amazon MQ without public accessibility) reached from the application only.",
    reference: "https://www.rabbitmq.com/docs/access-control",
    ports: [
    tcp(5671, "AMQP (TLS)"),
    tcp(5672, "AMQP"),
    tcp(15672, "RabbitMQ management"),
    ],
}
