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

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::{Cause, Source};

    use super::collect;
    use crate::collect::testing::{Protocol, Request, Stub, json, known, plan, unknown};

    const EVERY: &[Source] = &[Source::EksClusters, Source::EksAddons, Source::EksVpcCniConfiguration, Source::EksAccessEntries];

    fn answer(r: &Request) -> crate::collect::testing::Answer {
        match r.action.as_str() {
            "REST GET /clusters" => json(r#"{"clusters":["prod"]}"#),
            "REST GET /clusters/prod" => json(
                r#"{"cluster":{"name":"prod","arn":"arn:aws:eks:us-east-1:123456789012:cluster/prod","version":"1.33",
                "resourcesVpcConfig":{"endpointPublicAccess":true,"endpointPrivateAccess":false,"publicAccessCidrs":["203.0.113.0/24"]},
                "encryptionConfig":[{"resources":["secrets"],"provider":{"keyArn":"arn:aws:kms:us-east-1:123456789012:key/k"}}],
                "logging":{"clusterLogging":[{"types":["api","audit"],"enabled":true},{"types":["scheduler"],"enabled":false}]},
                "accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}}"#,
            ),
            "REST GET /clusters/prod/addons" => json(r#"{"addons":["vpc-cni","coredns"]}"#),
            "REST GET /clusters/prod/addons/vpc-cni" => {
                json(r#"{"addon":{"addonName":"vpc-cni","clusterName":"prod","configurationValues":"enableNetworkPolicy: \"true\""}}"#)
            }
            "REST GET /clusters/prod/access-entries" => {
                json(r#"{"accessEntries":["arn:aws:iam::123456789012:role/admin","arn:aws:iam::123456789012:user/alice"]}"#)
            }
            a if a.ends_with("/access-policies") && a.contains("role") => json(
                r#"{"clusterName":"prod","principalArn":"arn:aws:iam::123456789012:role/admin","associatedAccessPolicies":[
                {"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy","accessScope":{"type":"cluster"}}]}"#,
            ),
            a if a.ends_with("/access-policies") => Protocol::Json.denied("eks:ListAssociatedAccessPolicies"),
            other => panic!("unexpected {other}"),
        }
    }

    #[tokio::test]
    async fn clusters_with_addons_and_access_entries() {
        let stub = Stub::start(answer).await;
        let client = crate::aws::client!(&stub.session, aws_sdk_eks, "eks", "us-east-1");
        let inv = collect(&client, &plan(EVERY)).await;
        let c = &known(&inv.clusters)[0];
        assert_eq!((c.version.as_deref(), c.endpoint_public_access, c.public_access_cidrs.as_slice()), (Some("1.33"), true, &["203.0.113.0/24".to_string()][..]));
        assert_eq!(c.secrets_kms_key.as_deref(), Some("arn:aws:kms:us-east-1:123456789012:key/k"));
        assert_eq!(c.enabled_log_types, ["api", "audit"]);
        assert_eq!(c.authentication_mode.as_deref(), Some("API_AND_CONFIG_MAP"));
        assert_eq!(known(&c.addons), &["vpc-cni".to_string(), "coredns".to_string()]);
        assert_eq!(c.vpc_cni_configuration, Collected::Known(Some("enableNetworkPolicy: \"true\"".into())));
        let entries = known(&c.access_entries);
        assert_eq!(known(&entries[0].policies)[0].policy_arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert_eq!(unknown(&entries[1].policies).0, Cause::Denied, "one principal's policies unread: that entry is unknown");
    }

    #[tokio::test]
    async fn an_addon_not_installed_is_none_and_a_denied_description_unknown() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST GET /clusters/prod/addons/vpc-cni" => Protocol::Json.error("404 Not Found", "ResourceNotFoundException", "No addon: vpc-cni found in cluster: prod"),
            "REST GET /clusters/prod" => Protocol::Json.denied("eks:DescribeCluster"),
            _ => answer(r),
        })
        .await;
        let client = crate::aws::client!(&stub.session, aws_sdk_eks, "eks", "us-east-1");
        let inv = collect(&client, &plan(EVERY)).await;
        // A cluster that cannot be described cannot be judged: the region's clusters are unknown.
        let (cause, reason) = unknown(&inv.clusters);
        assert_eq!(cause, Cause::Denied);
        assert!(reason.contains("eks:DescribeCluster"), "{reason}");
    }

    #[tokio::test]
    async fn the_vpc_cni_not_installed_is_known_none() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "REST GET /clusters/prod/addons/vpc-cni" => Protocol::Json.error("404 Not Found", "ResourceNotFoundException", "No addon: vpc-cni found in cluster: prod"),
            _ => answer(r),
        })
        .await;
        let client = crate::aws::client!(&stub.session, aws_sdk_eks, "eks", "us-east-1");
        let inv = collect(&client, &plan(&[Source::EksClusters, Source::EksVpcCniConfiguration])).await;
        let c = &known(&inv.clusters)[0];
        assert_eq!(c.vpc_cni_configuration, Collected::Known(None));
        assert_eq!(unknown(&c.addons).0, Cause::NotCollected, "not planned, not sent");
        assert!(!stub.actions().iter().any(|a| a.ends_with("/addons") || a.contains("access-entries")));
    }
}
