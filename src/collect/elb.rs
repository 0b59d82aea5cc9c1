//! Elastic Load Balancing collector, one region: application, network and gateway load
//! balancers (elbv2) with their listeners, target groups with their registered targets, and
//! Classic Load Balancers.

use aws_sdk_elasticloadbalancing::Client as ClassicClient;
use aws_sdk_elasticloadbalancingv2::Client;
use futures::StreamExt;
use rampart_checks::Collected;
use rampart_checks::inventory::elb::{ClassicListener, ClassicLoadBalancer, ElbInventory, Listener, LoadBalancer, Target, TargetGroup};
use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, PER_RESOURCE_CONCURRENCY, RegionalRead, read};
use crate::aws::{Session, client, read};

/// The reads of `plan`'s Elastic Load Balancing sources, one region.
pub async fn collect(client: &Client, classic: &ClassicClient, plan: &Plan) -> ElbInventory {
    let (load_balancers, target_groups, classic_load_balancers) = tokio::join!(
        read(plan, Source::LoadBalancers, load_balancers(client, plan)),
        read(plan, Source::TargetGroups, target_groups(client, plan)),
        read(plan, Source::ClassicLoadBalancers, classic_load_balancers(classic)),
    );
    ElbInventory { load_balancers, target_groups, classic_load_balancers }
}

/// The application, network and gateway load balancers, each with its listeners when the
/// plan holds them (a listener listing that fails stays with its load balancer).
async fn load_balancers(client: &Client, plan: &Plan) -> Collected<Vec<LoadBalancer>> {
    let listed = read::all(
        "elasticloadbalancing:DescribeLoadBalancers",
        client.describe_load_balancers().into_paginator().items().send(),
        |lb| LoadBalancer {
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            kind: lb.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            scheme: lb.scheme().map(|s| s.as_str().to_string()).unwrap_or_default(),
            vpc_id: lb.vpc_id().map(str::to_string),
            subnet_ids: lb.availability_zones().iter().filter_map(|z| z.subnet_id().map(str::to_string)).collect(),
            security_group_ids: lb.security_groups().to_vec(),
            ip_address_type: lb.ip_address_type().map(|t| t.as_str().to_string()),
            listeners: Collected::default(),
        },
    );
    let listed = match listed.await {
        Ok(listed) => listed,
        Err(why) => return Collected::Unknown(why),
    };
    let with_listeners = futures::stream::iter(listed)
        .map(|mut lb| async move {
            lb.listeners = read(plan, Source::Listeners, listeners(client, &lb.arn)).await;
            lb
        })
        .buffered(PER_RESOURCE_CONCURRENCY);
    Collected::Known(with_listeners.collect().await)
}

async fn listeners(client: &Client, load_balancer_arn: &str) -> Collected<Vec<Listener>> {
    read::items(
        "elasticloadbalancing:DescribeListeners",
        client.describe_listeners().load_balancer_arn(load_balancer_arn).into_paginator().items().send(),
        |l| Listener {
            arn: l.listener_arn().unwrap_or_default().to_string(),
            protocol: l.protocol().map(|p| p.as_str().to_string()),
            port: l.port(),
        },
    )
    .await
}

/// The target groups, each with its registered targets when the plan holds them (a health
/// listing that fails stays with its group).
async fn target_groups(client: &Client, plan: &Plan) -> Collected<Vec<TargetGroup>> {
    let listed = read::all(
        "elasticloadbalancing:DescribeTargetGroups",
        client.describe_target_groups().into_paginator().items().send(),
        |g| TargetGroup {
            arn: g.target_group_arn().unwrap_or_default().to_string(),
            name: g.target_group_name().unwrap_or_default().to_string(),
            protocol: g.protocol().map(|p| p.as_str().to_string()),
            port: g.port(),
            target_type: g.target_type().map(|t| t.as_str().to_string()),
            vpc_id: g.vpc_id().map(str::to_string),
            load_balancer_arns: g.load_balancer_arns().to_vec(),
            targets: Collected::default(),
        },
    );
    let listed = match listed.await {
        Ok(listed) => listed,
        Err(why) => return Collected::Unknown(why),
    };
    let with_targets = futures::stream::iter(listed)
        .map(|mut group| async move {
            group.targets = read(plan, Source::Targets, targets(client, &group.arn)).await;
            group
        })
        .buffered(PER_RESOURCE_CONCURRENCY);
    Collected::Known(with_targets.collect().await)
}

async fn targets(client: &Client, target_group_arn: &str) -> Collected<Vec<Target>> {
    read::value(
        "elasticloadbalancing:DescribeTargetHealth",
        client.describe_target_health().target_group_arn(target_group_arn).send(),
        |out| {
            out.target_health_descriptions()
                .iter()
                .filter_map(|d| d.target())
                .map(|t| Target { id: t.id().unwrap_or_default().to_string(), port: t.port() })
                .collect()
        },
    )
    .await
}

async fn classic_load_balancers(client: &ClassicClient) -> Collected<Vec<ClassicLoadBalancer>> {
    read::items(
        "elasticloadbalancing:DescribeLoadBalancers",
        client.describe_load_balancers().into_paginator().items().send(),
        |lb| ClassicLoadBalancer {
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            scheme: lb.scheme().map(str::to_string),
            vpc_id: lb.vpc_id().map(str::to_string),
            subnet_ids: lb.subnets().to_vec(),
            security_group_ids: lb.security_groups().to_vec(),
            listeners: lb
                .listener_descriptions()
                .iter()
                .filter_map(|d| d.listener())
                .map(|l| ClassicListener {
                    protocol: l.protocol().to_string(),
                    load_balancer_port: l.load_balancer_port(),
                    instance_protocol: l.instance_protocol().map(str::to_string),
                    instance_port: l.instance_port(),
                })
                .collect(),
            instance_ids: lb.instances().iter().filter_map(|i| i.instance_id().map(str::to_string)).collect(),
        },
    )
    .await
}

/// The table's entry: the Elastic Load Balancing reads the plan holds, in one region (one
/// unit of progress).
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = client!(session, aws_sdk_elasticloadbalancingv2, "elasticloadbalancing", region);
        let classic = client!(session, aws_sdk_elasticloadbalancing, "elasticloadbalancing", region);
        let read = crate::progress::track(collect(&client, &classic, plan)).await;
        Box::new(move |inv: &mut RegionInventory| inv.elb = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::elb::{ClassicListener, ClassicLoadBalancer, Listener, LoadBalancer, Target, TargetGroup};
    use rampart_checks::inventory::{Cause, Plan, Source};

    use super::regional;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, known, plan, query, unknown};

    const ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012";

    /// Whether the request is of the elbv2 API (the Classic API has the same action names).
    fn v2(r: &Request) -> bool {
        r.body.contains("Version=2015-12-01")
    }

    /// Whether the request names the resource `name` (in an ARN, `/` is sent as `%2F`).
    fn about(r: &Request, name: &str) -> bool {
        r.body.contains(&format!("%2F{name}%2F"))
    }

    /// Two load balancers (`web`, `edge`), two target groups (`app`, `spare`), one Classic
    /// Load Balancer.
    fn answer(r: &Request) -> Answer {
        match (r.action.as_str(), v2(r)) {
            ("DescribeLoadBalancers", true) => query(
                "DescribeLoadBalancers",
                &format!(
                    "<LoadBalancers><member><LoadBalancerArn>{ARN}:loadbalancer/app/web/1</LoadBalancerArn>\
                     <LoadBalancerName>web</LoadBalancerName><Scheme>internet-facing</Scheme><VpcId>vpc-1</VpcId>\
                     <Type>application</Type><IpAddressType>dualstack</IpAddressType><State><Code>active</Code></State>\
                     <AvailabilityZones><member><ZoneName>us-east-1a</ZoneName><SubnetId>subnet-1</SubnetId></member>\
                     <member><ZoneName>us-east-1b</ZoneName><SubnetId>subnet-2</SubnetId></member></AvailabilityZones>\
                     <SecurityGroups><member>sg-1</member></SecurityGroups></member>\
                     <member><LoadBalancerArn>{ARN}:loadbalancer/net/edge/2</LoadBalancerArn><LoadBalancerName>edge</LoadBalancerName>\
                     <Scheme>internal</Scheme><VpcId>vpc-1</VpcId><Type>network</Type><IpAddressType>ipv4</IpAddressType>\
                     <AvailabilityZones><member><ZoneName>us-east-1a</ZoneName><SubnetId>subnet-1</SubnetId></member>\
                     </AvailabilityZones></member></LoadBalancers>"
                ),
            ),
            ("DescribeListeners", true) if about(r, "web") => query(
                "DescribeListeners",
                &format!(
                    "<Listeners><member><ListenerArn>{ARN}:listener/app/web/1/a</ListenerArn>\
                     <LoadBalancerArn>{ARN}:loadbalancer/app/web/1</LoadBalancerArn><Port>443</Port><Protocol>HTTPS</Protocol></member>\
                     <member><ListenerArn>{ARN}:listener/app/web/1/b</ListenerArn>\
                     <LoadBalancerArn>{ARN}:loadbalancer/app/web/1</LoadBalancerArn><Port>80</Port><Protocol>HTTP</Protocol></member>\
                     </Listeners>"
                ),
            ),
            ("DescribeListeners", true) if about(r, "edge") => query(
                "DescribeListeners",
                &format!(
                    "<Listeners><member><ListenerArn>{ARN}:listener/net/edge/2/c</ListenerArn>\
                     <LoadBalancerArn>{ARN}:loadbalancer/net/edge/2</LoadBalancerArn><Port>22</Port><Protocol>TCP</Protocol></member>\
                     </Listeners>"
                ),
            ),
            ("DescribeTargetGroups", true) => query(
                "DescribeTargetGroups",
                &format!(
                    "<TargetGroups><member><TargetGroupArn>{ARN}:targetgroup/app/3</TargetGroupArn><TargetGroupName>app</TargetGroupName>\
                     <Protocol>HTTP</Protocol><Port>8080</Port><VpcId>vpc-1</VpcId><TargetType>instance</TargetType>\
                     <LoadBalancerArns><member>{ARN}:loadbalancer/app/web/1</member></LoadBalancerArns></member>\
                     <member><TargetGroupArn>{ARN}:targetgroup/spare/4</TargetGroupArn><TargetGroupName>spare</TargetGroupName>\
                     <TargetType>lambda</TargetType><LoadBalancerArns/></member></TargetGroups>"
                ),
            ),
            ("DescribeTargetHealth", true) if about(r, "app") => query(
                "DescribeTargetHealth",
                "<TargetHealthDescriptions><member><Target><Id>i-1</Id><Port>8080</Port></Target>\
                 <TargetHealth><State>healthy</State></TargetHealth></member>\
                 <member><Target><Id>10.0.0.9</Id><Port>9090</Port><AvailabilityZone>us-east-1a</AvailabilityZone></Target>\
                 <TargetHealth><State>unused</State></TargetHealth></member></TargetHealthDescriptions>",
            ),
            ("DescribeTargetHealth", true) if about(r, "spare") => query(
                "DescribeTargetHealth",
                "<TargetHealthDescriptions><member><Target><Id>arn:aws:lambda:us-east-1:123456789012:function:f</Id></Target>\
                 <TargetHealth><State>healthy</State></TargetHealth></member></TargetHealthDescriptions>",
            ),
            ("DescribeLoadBalancers", false) => query(
                "DescribeLoadBalancers",
                "<LoadBalancerDescriptions><member><LoadBalancerName>legacy</LoadBalancerName><Scheme>internet-facing</Scheme>\
                 <VPCId>vpc-1</VPCId><Subnets><member>subnet-1</member></Subnets><SecurityGroups><member>sg-3</member></SecurityGroups>\
                 <ListenerDescriptions><member><Listener><Protocol>TCP</Protocol><LoadBalancerPort>22</LoadBalancerPort>\
                 <InstanceProtocol>TCP</InstanceProtocol><InstancePort>2222</InstancePort></Listener><PolicyNames/></member>\
                 <member><Listener><Protocol>HTTPS</Protocol><LoadBalancerPort>443</LoadBalancerPort>\
                 <InstancePort>8080</InstancePort></Listener><PolicyNames/></member></ListenerDescriptions>\
                 <Instances><member><InstanceId>i-2</InstanceId></member><member><InstanceId>i-3</InstanceId></member></Instances>\
                 </member></LoadBalancerDescriptions>",
            ),
            (other, v2) => panic!("unexpected {other} (v2: {v2}): {}", r.body),
        }
    }

    fn denied(r: &Request) -> Answer {
        Protocol::Query.denied(&format!("elasticloadbalancing:{}", r.action))
    }

    fn reason(action: &str) -> String {
        format!("elasticloadbalancing:{action} access denied: AccessDenied: not authorized to perform: elasticloadbalancing:{action}")
    }

    fn listener(arn: &str, protocol: &str, port: i32) -> Listener {
        Listener { arn: format!("{ARN}:{arn}"), protocol: Some(protocol.into()), port: Some(port) }
    }

    #[tokio::test]
    async fn every_elb_source_is_read() {
        let stub = Stub::start(answer).await;
        let elb = stub.regional(regional, &Plan::everything()).await.elb;
        assert_eq!(known(&elb.load_balancers), &[
            LoadBalancer {
                arn: format!("{ARN}:loadbalancer/app/web/1"),
                name: "web".into(),
                kind: "application".into(),
                scheme: "internet-facing".into(),
                vpc_id: Some("vpc-1".into()),
                subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
                security_group_ids: vec!["sg-1".into()],
                ip_address_type: Some("dualstack".into()),
                listeners: rampart_checks::Collected::Known(vec![
                    listener("listener/app/web/1/a", "HTTPS", 443),
                    listener("listener/app/web/1/b", "HTTP", 80),
                ]),
            },
            LoadBalancer {
                arn: format!("{ARN}:loadbalancer/net/edge/2"),
                name: "edge".into(),
                kind: "network".into(),
                scheme: "internal".into(),
                vpc_id: Some("vpc-1".into()),
                subnet_ids: vec!["subnet-1".into()],
                // A network load balancer made without security groups.
                security_group_ids: vec![],
                ip_address_type: Some("ipv4".into()),
                listeners: rampart_checks::Collected::Known(vec![listener("listener/net/edge/2/c", "TCP", 22)]),
            },
        ]);
        assert_eq!(known(&elb.target_groups), &[
            TargetGroup {
                arn: format!("{ARN}:targetgroup/app/3"),
                name: "app".into(),
                protocol: Some("HTTP".into()),
                port: Some(8080),
                target_type: Some("instance".into()),
                vpc_id: Some("vpc-1".into()),
                load_balancer_arns: vec![format!("{ARN}:loadbalancer/app/web/1")],
                targets: rampart_checks::Collected::Known(vec![
                    Target { id: "i-1".into(), port: Some(8080) },
                    Target { id: "10.0.0.9".into(), port: Some(9090) },
                ]),
            },
            TargetGroup {
                arn: format!("{ARN}:targetgroup/spare/4"),
                name: "spare".into(),
                protocol: None,
                port: None,
                target_type: Some("lambda".into()),
                vpc_id: None,
                load_balancer_arns: vec![],
                targets: rampart_checks::Collected::Known(vec![Target {
                    id: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
                    port: None,
                }]),
            },
        ]);
        assert_eq!(known(&elb.classic_load_balancers), &[ClassicLoadBalancer {
            name: "legacy".into(),
            scheme: Some("internet-facing".into()),
            vpc_id: Some("vpc-1".into()),
            subnet_ids: vec!["subnet-1".into()],
            security_group_ids: vec!["sg-3".into()],
            listeners: vec![
                ClassicListener {
                    protocol: "TCP".into(),
                    load_balancer_port: 22,
                    instance_protocol: Some("TCP".into()),
                    instance_port: 2222,
                },
                ClassicListener { protocol: "HTTPS".into(), load_balancer_port: 443, instance_protocol: None, instance_port: 8080 },
            ],
            instance_ids: vec!["i-2".into(), "i-3".into()],
        }]);
    }

    #[tokio::test]
    async fn denied_listings_are_unknown_with_the_reason_and_nothing_per_resource_is_sent() {
        let stub = Stub::start(denied).await;
        let elb = stub.regional(regional, &Plan::everything()).await.elb;
        let denied = |action: &str| (Cause::Denied, reason(action));
        let of = |(cause, reason): (Cause, &str)| (cause, reason.to_string());
        assert_eq!(of(unknown(&elb.load_balancers)), denied("DescribeLoadBalancers"));
        assert_eq!(of(unknown(&elb.target_groups)), denied("DescribeTargetGroups"));
        assert_eq!(of(unknown(&elb.classic_load_balancers)), denied("DescribeLoadBalancers"));
        let mut actions = stub.actions();
        actions.sort();
        assert_eq!(actions, ["DescribeLoadBalancers", "DescribeLoadBalancers", "DescribeTargetGroups"]);
    }

    #[tokio::test]
    async fn a_failed_listener_or_target_listing_stays_with_its_resource() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "DescribeListeners" if about(r, "edge") => denied(r),
            "DescribeTargetHealth" if about(r, "app") => {
                Protocol::Query.error("400 Bad Request", "TargetGroupNotFound", "One or more target groups not found")
            }
            _ => answer(r),
        })
        .await;
        let elb = stub.regional(regional, &Plan::everything()).await.elb;
        let (web, edge) = (&known(&elb.load_balancers)[0], &known(&elb.load_balancers)[1]);
        assert_eq!(known(&web.listeners).len(), 2);
        assert_eq!(unknown(&edge.listeners), (Cause::Denied, reason("DescribeListeners").as_str()));
        let (app, spare) = (&known(&elb.target_groups)[0], &known(&elb.target_groups)[1]);
        let (cause, why) = unknown(&app.targets);
        assert_ne!(cause, Cause::NotCollected);
        assert!(why.starts_with("elasticloadbalancing:DescribeTargetHealth") && why.contains("TargetGroupNotFound"), "{why}");
        assert_eq!(known(&spare.targets).len(), 1);
        assert_eq!(known(&elb.classic_load_balancers).len(), 1);
    }

    #[tokio::test]
    async fn only_the_planned_reads_are_sent() {
        let stub = Stub::start(answer).await;
        let elb = stub.regional(regional, &plan(&[Source::LoadBalancers, Source::Targets])).await.elb;
        // The targets need the target groups; the listeners are not planned.
        assert_eq!(unknown(&known(&elb.load_balancers)[0].listeners).0, Cause::NotCollected);
        assert_eq!(known(&known(&elb.target_groups)[0].targets).len(), 2);
        assert_eq!(unknown(&elb.classic_load_balancers).0, Cause::NotCollected);
        let mut sent: Vec<(String, bool)> = stub.requests().iter().map(|r| (r.action.clone(), v2(r))).collect();
        sent.sort();
        let of_v2 = |action: &str| (action.to_string(), true);
        assert_eq!(sent, [
            of_v2("DescribeLoadBalancers"),
            of_v2("DescribeTargetGroups"),
            of_v2("DescribeTargetHealth"),
            of_v2("DescribeTargetHealth")
        ]);

        let stub = Stub::start(answer).await;
        let elb = stub.regional(regional, &plan(&[Source::ClassicLoadBalancers])).await.elb;
        assert_eq!(known(&elb.classic_load_balancers).len(), 1);
        assert_eq!(unknown(&elb.load_balancers).0, Cause::NotCollected);
        assert_eq!(unknown(&elb.target_groups).0, Cause::NotCollected);
        assert!(stub.requests().iter().all(|r| r.action == "DescribeLoadBalancers" && !v2(r)), "{:?}", stub.actions());
        assert_eq!(stub.requests().len(), 1);
    }
}
