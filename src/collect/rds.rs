//! RDS: DB instances and clusters.

use rampart_checks::Collected;
use rampart_checks::inventory::rds::{DbCluster, DbInstance};

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, client, read};

pub async fn db_instances(client: &aws_sdk_rds::Client) -> Collected<Vec<DbInstance>> {
    read::items("rds:DescribeDBInstances", client.describe_db_instances().into_paginator().items().send(), |d| {
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
    .await
}

pub async fn db_clusters(client: &aws_sdk_rds::Client) -> Collected<Vec<DbCluster>> {
    read::items("rds:DescribeDBClusters", client.describe_db_clusters().into_paginator().items().send(), |d| {
        DbCluster {
            db_cluster_identifier: d.db_cluster_identifier().unwrap_or_default().to_string(),
            arn: d.db_cluster_arn().map(str::to_string),
            storage_encrypted: d.storage_encrypted().unwrap_or(false),
            multi_az: d.multi_az().unwrap_or(false),
        }
    })
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let client = client!(session, aws_sdk_rds, "rds", region);
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

#[cfg(test)]
mod tests {
    use rampart_checks::inventory::rds::{DbCluster, DbInstance};
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Protocol, Stub, known, plan, query, unknown};

    fn answer(r: &crate::collect::testing::Request) -> crate::collect::testing::Answer {
        match r.action.as_str() {
            "DescribeDBInstances" => query(
                "DescribeDBInstances",
                "<DBInstances><DBInstance><DBInstanceIdentifier>orders</DBInstanceIdentifier>\
                 <DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:orders</DBInstanceArn><Engine>postgres</Engine>\
                 <StorageEncrypted>true</StorageEncrypted><PubliclyAccessible>true</PubliclyAccessible>\
                 <AutoMinorVersionUpgrade>false</AutoMinorVersionUpgrade><MultiAZ>true</MultiAZ>\
                 <DBClusterIdentifier>orders-cluster</DBClusterIdentifier></DBInstance></DBInstances>",
            ),
            "DescribeDBClusters" => query(
                "DescribeDBClusters",
                "<DBClusters><DBCluster><DBClusterIdentifier>orders-cluster</DBClusterIdentifier>\
                 <DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:orders-cluster</DBClusterArn><Engine>aurora-postgresql</Engine>\
                 <StorageEncrypted>false</StorageEncrypted><MultiAZ>false</MultiAZ></DBCluster></DBClusters>",
            ),
            other => panic!("unexpected {other}"),
        }
    }

    #[tokio::test]
    async fn instances_and_clusters_are_read() {
        let stub = Stub::start(answer).await;
        let inv = stub.regional(regional, &plan(&[Source::RdsInstances, Source::RdsClusters])).await;
        assert_eq!(known(&inv.rds.db_instances), &[DbInstance {
            db_instance_identifier: "orders".into(),
            arn: Some("arn:aws:rds:us-east-1:123456789012:db:orders".into()),
            storage_encrypted: true,
            publicly_accessible: true,
            auto_minor_version_upgrade: false,
            multi_az: true,
            db_cluster_identifier: Some("orders-cluster".into()),
        }]);
        assert_eq!(known(&inv.rds.db_clusters), &[DbCluster {
            db_cluster_identifier: "orders-cluster".into(),
            arn: Some("arn:aws:rds:us-east-1:123456789012:cluster:orders-cluster".into()),
            storage_encrypted: false,
            multi_az: false,
        }]);
    }

    #[tokio::test]
    async fn a_denied_call_is_unknown_with_the_reason_and_the_other_is_still_read() {
        let stub = Stub::start(|r| match r.action.as_str() {
            "DescribeDBClusters" => {
                Protocol::Query.error("403 Forbidden", "AccessDenied", "User is not authorized to perform: rds:DescribeDBClusters")
            }
            _ => answer(r),
        })
        .await;
        let inv = stub.regional(regional, &plan(&[Source::RdsInstances, Source::RdsClusters])).await;
        assert_eq!(known(&inv.rds.db_instances).len(), 1);
        assert_eq!(unknown(&inv.rds.db_clusters), (
            Cause::Denied,
            "rds:DescribeDBClusters access denied: AccessDenied: User is not authorized to perform: rds:DescribeDBClusters"
        ));
    }

    #[tokio::test]
    async fn only_the_planned_call_is_sent_and_throttling_is_unknown_throttled() {
        let stub = Stub::start(|_| Protocol::Query.throttled()).await;
        let inv = stub.regional(regional, &plan(&[Source::RdsInstances])).await;
        assert_eq!(unknown(&inv.rds.db_instances), (
            Cause::Throttled,
            "rds:DescribeDBInstances throttled after every retry: Throttling: Rate exceeded"
        ));
        assert_eq!(unknown(&inv.rds.db_clusters).0, Cause::NotCollected);
        assert_eq!(stub.actions(), ["DescribeDBInstances"]);
    }
}
