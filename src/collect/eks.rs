//! EKS collector, one region: clusters, their add-ons, the VPC CNI's configuration and the
//! access entries with their access policies.

use aws_sdk_eks::Client;
use futures::StreamExt;
use rampart_checks::Collected;
use rampart_checks::inventory::eks::{AccessEntry, AccessPolicy, Cluster, EksInventory};
use rampart_checks::inventory::{Cause, Plan, RegionInventory, Source};

use super::{Apply, PER_RESOURCE_CONCURRENCY, RegionalRead, read};
use crate::aws::{Session, client, read};

/// The reads of `plan`'s EKS sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> EksInventory {
    EksInventory { clusters: read(plan, Source::EksClusters, clusters(client, plan)).await }
}

async fn clusters(client: &Client, plan: &Plan) -> Collected<Vec<Cluster>> {
    let names = match read::all("eks:ListClusters", client.list_clusters().into_paginator().items().send(), |n| n).await {
        Ok(n) => n,
        Err(why) => return Collected::Unknown(why),
    };
    let described: Vec<Result<Cluster, _>> =
        futures::stream::iter(names).map(|name| cluster(client, plan, name)).buffered(PER_RESOURCE_CONCURRENCY).collect().await;
    // A cluster that could not be described cannot be judged: the list is unknown, with why.
    match described.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(clusters) => Collected::Known(clusters),
        Err(why) => Collected::Unknown(why),
    }
}

async fn cluster(client: &Client, plan: &Plan, name: String) -> Result<Cluster, rampart_checks::Unavailable> {
    let out = read::call("eks:DescribeCluster", client.describe_cluster().name(&name).send()).await?;
    let Some(c) = out.cluster() else {
        return Err(rampart_checks::Unavailable::new(Cause::Other, format!("eks:DescribeCluster returned no cluster for {name}")));
    };
    let vpc = c.resources_vpc_config();
    let mut cluster = Cluster {
        name: c.name().unwrap_or(&name).to_string(),
        arn: c.arn().unwrap_or_default().to_string(),
        version: c.version().map(str::to_string),
        // AWS's defaults when the answer leaves the VPC configuration out: public, to everyone.
        endpoint_public_access: vpc.is_none_or(|v| v.endpoint_public_access()),
        endpoint_private_access: vpc.is_some_and(|v| v.endpoint_private_access()),
        public_access_cidrs: vpc.map(|v| v.public_access_cidrs().to_vec()).unwrap_or_default(),
        secrets_kms_key: c
            .encryption_config()
            .iter()
            // `resources` (once `["secrets"]`) no longer limits what the key protects.
            .find_map(|e| e.provider())
            .and_then(|p| p.key_arn())
            .map(str::to_string),
        enabled_log_types: c
            .logging()
            .map(|l| l.cluster_logging())
            .unwrap_or_default()
            .iter()
            .filter(|s| s.enabled() == Some(true))
            .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
            .collect(),
        authentication_mode: c.access_config().and_then(|a| a.authentication_mode()).map(|m| m.as_str().to_string()),
        addons: Collected::default(),
        vpc_cni_configuration: Collected::default(),
        access_entries: Collected::default(),
    };
    let (addons, vpc_cni, entries) = tokio::join!(
        read(plan, Source::EksAddons, async {
            read::items("eks:ListAddons", client.list_addons().cluster_name(&name).into_paginator().items().send(), |a| a).await
        }),
        read(plan, Source::EksVpcCniConfiguration, async {
            read::optional("eks:DescribeAddon", client.describe_addon().cluster_name(&name).addon_name("vpc-cni").send(), |out| {
                // Installed: its configuration values, an empty document when it has none.
                Some(out.addon().and_then(|a| a.configuration_values()).unwrap_or("{}").to_string())
            })
            .await
        }),
        read(plan, Source::EksAccessEntries, access_entries(client, &name)),
    );
    cluster.addons = addons;
    cluster.vpc_cni_configuration = vpc_cni;
    cluster.access_entries = entries;
    Ok(cluster)
}

async fn access_entries(client: &Client, cluster: &str) -> Collected<Vec<AccessEntry>> {
    let principals =
        match read::all("eks:ListAccessEntries", client.list_access_entries().cluster_name(cluster).into_paginator().items().send(), |p| p).await {
            Ok(p) => p,
            Err(why) => return Collected::Unknown(why),
        };
    let entries = futures::stream::iter(principals)
        .map(|principal| async move {
            let policies = read::items(
                "eks:ListAssociatedAccessPolicies",
                client.list_associated_access_policies().cluster_name(cluster).principal_arn(&principal).into_paginator().items().send(),
                |p| AccessPolicy {
                    policy_arn: p.policy_arn().unwrap_or_default().to_string(),
                    scope: p.access_scope().and_then(|s| s.r#type()).map_or("cluster", |t| t.as_str()).to_string(),
                },
            )
            .await;
            AccessEntry { principal_arn: principal, policies }
        })
        .buffered(PER_RESOURCE_CONCURRENCY)
        .collect()
        .await;
    Collected::Known(entries)
}

/// The table's entry: the EKS reads the plan holds, in one region (one unit of progress).
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&client!(session, aws_sdk_eks, "eks", region), plan)).await;
        Box::new(move |inv: &mut RegionInventory| inv.eks = read) as Apply<_>
    })
}
