//! ECS collector, one region: clusters with their settings, the task definitions to judge
//! (the latest ACTIVE revision of each family, or every ACTIVE one with
//! `--ecs-all-revisions`) and the images of running tasks.
//!
//! Plain environment values of container definitions are reduced here to their shape
//! ([`ValueShape`]): the value itself never leaves this module.

use std::collections::BTreeMap;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{ClusterField, ClusterSettingName, DesiredStatus, TaskDefinitionStatus};
use futures::StreamExt;
use rampart_checks::Collected;
use rampart_checks::ecs::secrets::ValueShape;
use rampart_checks::inventory::ecs::{Cluster, Container, EcsInventory, EnvironmentVariable, Revision, RunningImage, TaskDefinition, TaskDefinitions};
use rampart_checks::inventory::{Cause, Plan, RegionInventory, Source, Unavailable};

use super::{Apply, PER_RESOURCE_CONCURRENCY, RegionalRead, read};
use crate::aws::{Session, client, read};

/// DescribeClusters and DescribeTasks take at most 100 names per call.
const BATCH: usize = 100;

/// The reads of `plan`'s ECS sources, one region. The cluster listing is made once for the
/// clusters' settings and the running tasks.
pub async fn collect(client: &Client, plan: &Plan, all_revisions: bool) -> EcsInventory {
    let per_cluster = async {
        if !plan.reads(Source::EcsClusters) && !plan.reads(Source::EcsRunningImages) {
            return (Collected::default(), Collected::default());
        }
        let arns = cluster_arns(client).await;
        tokio::join!(
            read(plan, Source::EcsClusters, clusters(client, &arns)),
            read(plan, Source::EcsRunningImages, running_images(client, &arns)),
        )
    };
    let ((clusters, running_images), task_definitions) =
        tokio::join!(per_cluster, read(plan, Source::EcsTaskDefinitions, task_definitions(client, all_revisions)));
    EcsInventory { clusters, task_definitions, running_images }
}

async fn cluster_arns(client: &Client) -> Result<Vec<String>, Unavailable> {
    read::all("ecs:ListClusters", client.list_clusters().into_paginator().items().send(), |arn| arn).await
}

async fn clusters(client: &Client, arns: &Result<Vec<String>, Unavailable>) -> Collected<Vec<Cluster>> {
    let arns = match arns {
        Ok(a) => a,
        Err(why) => return Collected::Unknown(why.clone()),
    };
    let mut clusters = Vec::new();
    for batch in arns.chunks(BATCH) {
        let described = read::call(
            "ecs:DescribeClusters",
            client.describe_clusters().set_clusters(Some(batch.to_vec())).include(ClusterField::Settings).send(),
        )
        .await;
        match described {
            Ok(out) => clusters.extend(out.clusters().iter().map(|c| Cluster {
                name: c.cluster_name().unwrap_or_default().to_string(),
                arn: c.cluster_arn().unwrap_or_default().to_string(),
                container_insights: c
                    .settings()
                    .iter()
                    .find(|s| s.name() == Some(&ClusterSettingName::ContainerInsights))
                    .and_then(|s| s.value())
                    .map(str::to_string),
            })),
            Err(why) => return Collected::Unknown(why),
        }
    }
    Collected::Known(clusters)
}

/// `(family, revision)` of `arn:aws:ecs:region:account:task-definition/family:revision`.
fn family_revision(arn: &str) -> Option<(String, u32)> {
    let name = arn.rsplit_once(":task-definition/")?.1;
    let (family, revision) = name.rsplit_once(':')?;
    Some((family.to_string(), revision.parse().ok()?)).filter(|(f, _)| !f.is_empty())
}

async fn task_definitions(client: &Client, all_revisions: bool) -> Collected<TaskDefinitions> {
    let listed = read::all(
        "ecs:ListTaskDefinitions",
        client.list_task_definitions().status(TaskDefinitionStatus::Active).into_paginator().items().send(),
        |arn| arn,
    )
    .await;
    let arns = match listed {
        Ok(a) => a,
        Err(why) => return Collected::Unknown(why),
    };
    let active_revisions = arns.len();
    // The revisions to judge; an ARN that does not parse is kept, to be an ERROR.
    let mut chosen: Vec<(String, String, u32)> = Vec::new();
    let mut latest: BTreeMap<String, (u32, String)> = BTreeMap::new();
    for arn in arns {
        match family_revision(&arn) {
            Some((family, revision)) if !all_revisions => {
                let entry = latest.entry(family).or_insert((0, String::new()));
                if revision >= entry.0 {
                    *entry = (revision, arn);
                }
            }
            Some((family, revision)) => chosen.push((arn, family, revision)),
            None => chosen.push((arn.clone(), arn, 0)),
        }
    }
    chosen.extend(latest.into_iter().map(|(family, (revision, arn))| (arn, family, revision)));
    chosen.sort_by(|a, b| (&a.1, a.2).cmp(&(&b.1, b.2)));
    let revisions = futures::stream::iter(chosen)
        .map(|(arn, family, revision)| async move {
            let definition = if revision == 0 {
                Collected::unknown(Cause::Other, format!("the task definition ARN {arn:?} does not name a family and revision"))
            } else {
                describe(client, &arn).await
            };
            Revision { arn, family, revision, definition }
        })
        .buffered(PER_RESOURCE_CONCURRENCY)
        .collect()
        .await;
    Collected::Known(TaskDefinitions { active_revisions, all_revisions, revisions })
}

async fn describe(client: &Client, arn: &str) -> Collected<TaskDefinition> {
    let answer = read::call("ecs:DescribeTaskDefinition", client.describe_task_definition().task_definition(arn).send()).await;
    let out = match answer {
        Ok(out) => out,
        Err(why) => return Collected::Unknown(why),
    };
    let Some(t) = out.task_definition() else {
        return Collected::unknown(Cause::Other, "ecs:DescribeTaskDefinition returned no task definition");
    };
    Collected::Known(TaskDefinition {
        network_mode: t.network_mode().map(|m| m.as_str().to_string()),
        pid_mode: t.pid_mode().map(|m| m.as_str().to_string()),
        ipc_mode: t.ipc_mode().map(|m| m.as_str().to_string()),
        cpu: t.cpu().map(str::to_string),
        memory: t.memory().map(str::to_string),
        operating_system_family: t.runtime_platform().and_then(|p| p.operating_system_family()).map(|f| f.as_str().to_string()),
        requires_compatibilities: t.requires_compatibilities().iter().map(|c| c.as_str().to_string()).collect(),
        containers: t
            .container_definitions()
            .iter()
            .map(|c| Container {
                name: c.name().unwrap_or_default().to_string(),
                image: c.image().unwrap_or_default().to_string(),
                user: c.user().map(str::to_string),
                privileged: c.privileged(),
                readonly_root_filesystem: c.readonly_root_filesystem(),
                cpu: Some(c.cpu()).filter(|&n| n > 0),
                memory: c.memory(),
                // The value's shape only: the value itself is dropped here.
                environment: c
                    .environment()
                    .iter()
                    .map(|kv| EnvironmentVariable {
                        name: kv.name().unwrap_or_default().to_string(),
                        shape: ValueShape::of(kv.value().unwrap_or_default()),
                    })
                    .collect(),
                log_driver: c.log_configuration().map(|l| l.log_driver().as_str().to_string()),
            })
            .collect(),
    })
}

async fn running_images(client: &Client, arns: &Result<Vec<String>, Unavailable>) -> Collected<Vec<RunningImage>> {
    let arns = match arns {
        Ok(a) => a,
        Err(why) => return Collected::Unknown(why.clone()),
    };
    let mut images = Vec::new();
    for cluster in arns.iter() {
        let name = cluster.rsplit('/').next().unwrap_or(cluster).to_string();
        let tasks = read::all(
            "ecs:ListTasks",
            client.list_tasks().cluster(cluster).desired_status(DesiredStatus::Running).into_paginator().items().send(),
            |arn| arn,
        )
        .await;
        let tasks = match tasks {
            Ok(t) => t,
            Err(why) => return Collected::Unknown(why),
        };
        for batch in tasks.chunks(BATCH) {
            let described =
                read::call("ecs:DescribeTasks", client.describe_tasks().cluster(cluster).set_tasks(Some(batch.to_vec())).send()).await;
            let out = match described {
                Ok(out) => out,
                Err(why) => return Collected::Unknown(why),
            };
            for task in out.tasks() {
                for c in task.containers() {
                    images.push(RunningImage {
                        cluster: name.clone(),
                        task_arn: task.task_arn().unwrap_or_default().to_string(),
                        container: c.name().unwrap_or_default().to_string(),
                        image: c.image().unwrap_or_default().to_string(),
                        digest: c.image_digest().map(str::to_string),
                    });
                }
            }
        }
    }
    Collected::Known(images)
}

/// The table's entry: the ECS reads the plan holds, in one region (one unit of progress).
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = client!(session, aws_sdk_ecs, "ecs", region);
        let read = crate::progress::track(collect(&client, plan, session.ecs_all_revisions)).await;
        Box::new(move |inv: &mut RegionInventory| inv.ecs = read) as Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use super::family_revision;

    #[test]
    fn family_and_revision_from_the_arn() {
        assert_eq!(family_revision("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12"), Some(("web".into(), 12)));
        assert_eq!(family_revision("arn:aws:ecs:eu-west-1:123456789012:task-definition/a:b:3"), Some(("a:b".into(), 3)));
        assert_eq!(family_revision("arn:aws:ecs:eu-west-1:123456789012:task-definition/web"), None);
        assert_eq!(family_revision("arn:aws:ecs:eu-west-1:123456789012:task-definition/:1"), None);
        assert_eq!(family_revision("garbage"), None);
    }
}

#[cfg(test)]
mod collector_tests {
    use rampart_checks::ecs::secrets::ValueShape;
    use rampart_checks::inventory::{Cause, Source};

    use super::collect;
    use crate::collect::testing::{Protocol, Request, Stub, json, known, plan, unknown};

    const ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition";

    fn answer(r: &Request) -> crate::collect::testing::Answer {
        match r.action.as_str() {
            "ListTaskDefinitions" => json(&format!(
                r#"{{"taskDefinitionArns":["{ARN}/web:1","{ARN}/web:3","{ARN}/api:2","{ARN}/broken"]}}"#
            )),
            "DescribeTaskDefinition" if r.body.contains("api:2") => Protocol::Json.denied("ecs:DescribeTaskDefinition"),
            "DescribeTaskDefinition" => {
                let revision = if r.body.contains("web:1") { 1 } else { 3 };
                json(&format!(
                    r#"{{"taskDefinition":{{"taskDefinitionArn":"{ARN}/web:{revision}","family":"web","revision":{revision},
                    "networkMode":"host","pidMode":"host","cpu":"256","memory":"512",
                    "runtimePlatform":{{"operatingSystemFamily":"LINUX"}},"requiresCompatibilities":["EC2"],
                    "containerDefinitions":[{{"name":"app","image":"nginx:1.27","user":"0","privileged":true,"readonlyRootFilesystem":false,
                    "cpu":0,"memory":256,"environment":[{{"name":"DB_PASSWORD","value":"hunter2-very-secret"}},{{"name":"PORT","value":"80"}}],
                    "logConfiguration":{{"logDriver":"awslogs"}}}}]}}}}"#
                ))
            }
            "ListClusters" => json(r#"{"clusterArns":["arn:aws:ecs:us-east-1:123456789012:cluster/prod"]}"#),
            "DescribeClusters" => json(
                r#"{"clusters":[{"clusterName":"prod","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                "settings":[{"name":"containerInsights","value":"enhanced"}]}],"failures":[]}"#,
            ),
            "ListTasks" => json(r#"{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/prod/t1"]}"#),
            "DescribeTasks" => json(
                r#"{"tasks":[{"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/prod/t1","containers":[
                {"name":"app","image":"nginx:1.27","imageDigest":"sha256:abc"}]}],"failures":[]}"#,
            ),
            other => panic!("unexpected {other}"),
        }
    }

    #[tokio::test]
    async fn the_latest_revision_of_each_family_and_an_unreadable_one_is_unknown_not_dropped() {
        let stub = Stub::start(answer).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecs, "ecs", "us-east-1");
        let inv = collect(&client, &plan(&[Source::EcsTaskDefinitions]), false).await;
        let listed = known(&inv.task_definitions);
        assert_eq!(listed.active_revisions, 4);
        let judged: Vec<(String, u32)> = listed.revisions.iter().map(|r| (r.family.clone(), r.revision)).collect();
        // In family order (an ARN that names none keeps the ARN as its family).
        assert_eq!(judged, [("api".to_string(), 2), (format!("{ARN}/broken"), 0), ("web".to_string(), 3)]);
        // api:2 could not be read: it stays, unknown with the reason, and its checks say ERROR.
        assert_eq!(unknown(&listed.revisions[0].definition).0, Cause::Denied);
        assert_eq!(unknown(&listed.revisions[1].definition).0, Cause::Other);
        let web = known(&listed.revisions[2].definition);
        assert_eq!((web.network_mode.as_deref(), web.pid_mode.as_deref()), (Some("host"), Some("host")));
        let app = &web.containers[0];
        assert_eq!((app.user.as_deref(), app.privileged, app.readonly_root_filesystem, app.cpu, app.memory), (Some("0"), Some(true), Some(false), None, Some(256)));
        assert_eq!(app.environment.iter().map(|e| (e.name.as_str(), e.shape)).collect::<Vec<_>>(), [("DB_PASSWORD", ValueShape::Text), ("PORT", ValueShape::Scalar)]);
        // The value itself is nowhere in the inventory.
        assert!(!serde_json::to_string(&inv.task_definitions).unwrap().contains("hunter2"));
        // Only the latest revisions were described.
        let described: Vec<String> = stub.actions().into_iter().filter(|a| a == "DescribeTaskDefinition").collect();
        assert_eq!(described.len(), 2);
    }

    #[tokio::test]
    async fn every_active_revision_with_the_option() {
        let stub = Stub::start(answer).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecs, "ecs", "us-east-1");
        let inv = collect(&client, &plan(&[Source::EcsTaskDefinitions]), true).await;
        let listed = known(&inv.task_definitions);
        assert!(listed.all_revisions);
        assert_eq!(listed.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [2, 0, 1, 3]);
    }

    #[tokio::test]
    async fn clusters_and_running_images() {
        let stub = Stub::start(answer).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecs, "ecs", "us-east-1");
        let inv = collect(&client, &plan(&[Source::EcsClusters, Source::EcsRunningImages]), false).await;
        assert_eq!(stub.actions().iter().filter(|a| *a == "ListClusters").count(), 1, "one listing serves both reads");
        assert_eq!(known(&inv.clusters)[0].container_insights.as_deref(), Some("enhanced"));
        let running = known(&inv.running_images);
        assert_eq!((running[0].cluster.as_str(), running[0].digest.as_deref()), ("prod", Some("sha256:abc")));
        assert_eq!(unknown(&inv.task_definitions).0, Cause::NotCollected);
    }

    #[tokio::test]
    async fn a_denied_listing_is_unknown() {
        let stub = Stub::start(|r| Protocol::Json.denied(&format!("ecs:{}", r.action))).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_ecs, "ecs", "us-east-1");
        let inv = collect(&client, &plan(&[Source::EcsTaskDefinitions, Source::EcsClusters, Source::EcsRunningImages]), false).await;
        assert_eq!(unknown(&inv.task_definitions).0, Cause::Denied);
        assert_eq!(unknown(&inv.clusters).0, Cause::Denied);
        assert_eq!(unknown(&inv.running_images).0, Cause::Denied);
    }
}
