//! RDS: DB instances and clusters.

use rampart_checks::Collected;
use rampart_checks::inventory::rds::{DbCluster, DbInstance};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn db_instances(client: &aws_sdk_rds::Client) -> Collected<Vec<DbInstance>> {
    collect_items!("rds:DescribeDBInstances", client.describe_db_instances().into_paginator(), |d: aws_sdk_rds::types::DbInstance| {
        DbInstance {
            db_instance_identifier: d.db_instance_identifier().unwrap_or_default().to_string(),
            arn: d.db_instance_arn().map(str::to_string),
            storage_encrypted: d.storage_encrypted().unwrap_or(false),
            publicly_accessible: d.publicly_accessible().unwrap_or(false),
            auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
            multi_az: d.multi_az().unwrap_or(false),
            db_cluster_identifier: d.db_cluster_identifier().map(str::to_string),
        }
    })
}

pub async fn db_clusters(client: &aws_sdk_rds::Client) -> Collected<Vec<DbCluster>> {
    collect_items!("rds:DescribeDBClusters", client.describe_db_clusters().into_paginator(), |d: aws_sdk_rds::types::DbCluster| {
        DbCluster {
            db_cluster_identifier: d.db_cluster_identifier().unwrap_or_default().to_string(),
            arn: d.db_cluster_arn().map(str::to_string),
            storage_encrypted: d.storage_encrypted().unwrap_or(false),
            multi_az: d.multi_az().unwrap_or(false),
        }
    })
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = session.rds(region);
        let (instances, clusters) = tokio::join!(
            tracked(plan, Source::RdsInstances, db_instances(&client)),
            tracked(plan, Source::RdsClusters, db_clusters(&client)),
        );
        Box::new(move |inv: &mut RegionInventory| {
            inv.rds.db_instances = instances;
            inv.rds.db_clusters = clusters;
        }) as Apply<_>
    })
}
