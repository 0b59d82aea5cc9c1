//! Elastic Load Balancing: application, network and gateway load balancers (elbv2) and
//! Classic Load Balancers, per region: what the internet reaches through them.

use serde::{Deserialize, Serialize};

use super::Collected;

/// What Elastic Load Balancing holds in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ElbInventory {
    /// elasticloadbalancing:DescribeLoadBalancers (v2); per load balancer its listeners.
    pub load_balancers: Collected<Vec<LoadBalancer>>,
    /// elasticloadbalancing:DescribeTargetGroups (v2); per group its registered targets.
    pub target_groups: Collected<Vec<TargetGroup>>,
    /// elasticloadbalancing:DescribeLoadBalancers (Classic), listeners and instances included.
    pub classic_load_balancers: Collected<Vec<ClassicLoadBalancer>>,
}

/// An application, network or gateway load balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    pub vpc_id: Option<String>,
    /// The subnets of its availability zones.
    pub subnet_ids: Vec<String>,
    /// Its security groups (none for a network load balancer created without).
    pub security_group_ids: Vec<String>,
    /// `ipv4`, `dualstack` or `dualstack-without-public-ipv4`.
    pub ip_address_type: Option<String>,
    /// DescribeListeners.
    #[serde(default)]
    pub listeners: Collected<Vec<Listener>>,
}

/// A listener: the protocol and port the load balancer accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: Option<String>,
    pub port: Option<i32>,
}

/// A target group and the load balancers that send it traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    /// `HTTP`, `HTTPS`, `TCP`, … (`None` for Lambda targets).
    pub protocol: Option<String>,
    /// The port targets receive traffic on unless a target names its own.
    pub port: Option<i32>,
    /// `instance`, `ip`, `lambda` or `alb`.
    pub target_type: Option<String>,
    pub vpc_id: Option<String>,
    /// The load balancers whose listeners or rules forward to the group.
    pub load_balancer_arns: Vec<String>,
    /// DescribeTargetHealth: the registered targets.
    #[serde(default)]
    pub targets: Collected<Vec<Target>>,
}

/// A registered target: an instance id, an IP address, a Lambda function or an ALB's ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    /// The port the target receives on (the group's when not given).
    pub port: Option<i32>,
}

/// A Classic Load Balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassicLoadBalancer {
    pub name: String,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub listeners: Vec<ClassicListener>,
    /// The registered instances.
    pub instance_ids: Vec<String>,
}

/// A Classic Load Balancer listener: the port it accepts and the instance port it forwards to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassicListener {
    /// `HTTP`, `HTTPS`, `TCP` or `SSL`.
    pub protocol: String,
    pub load_balancer_port: i32,
    pub instance_protocol: Option<String>,
    pub instance_port: i32,
}
