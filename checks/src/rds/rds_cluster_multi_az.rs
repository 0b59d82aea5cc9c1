use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::rds::DbCluster;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every RDS DB cluster (Aurora, and Multi-AZ DB clusters; `DescribeDBClusters`) has
    /// instances in more than one Availability Zone (`MultiAZ`). For Aurora this means at
    /// least one replica in a zone other than the writer's. A region whose clusters could not
    /// be read is an ERROR. The member instances are judged by `rds_instance_multi_az`.
    ///
    /// Rampart files this check under the `patching` measure: none of the five measures is
    /// about availability, and the closest is keeping databases patched, because a cluster
    /// spread over zones can take OS and engine maintenance one instance at a time and fail
    /// over, so patches need not wait for a downtime nobody wants to schedule.
    /// ## Why it matters
    /// Aurora keeps six copies of the data across three zones, but a cluster whose only
    /// instance is in one zone still stops serving when that zone, or that instance, fails:
    /// Aurora must then create a new instance, which takes several minutes. With a replica in
    /// another zone, Aurora promotes it automatically, usually within a minute.
    /// ## Remediation
    /// Add a reader in another Availability Zone: `aws rds create-db-instance
    /// --db-cluster-identifier <cluster> --db-instance-identifier <replica> --engine <engine>
    /// --db-instance-class <class> --availability-zone <other-az>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.2.4
    /// - AWS Security Hub, control RDS.15
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
    pub static CHECK = {
        id: "rds_cluster_multi_az",
        title: "RDS DB clusters span multiple Availability Zones",
        measure: Measure::Patching,
        severity: Severity::Medium,
        reads: [Source::RdsClusters],
        eval: evaluate,
    }
}

fn cluster_resource(account: &AccountInventory, region: &str, cluster: &DbCluster) -> Resource {
    Resource {
        id: cluster.db_cluster_identifier.clone(),
        arn: Some(cluster.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:{}:rds:{region}:{}:cluster:{}",
                account.partition, account.account_id, cluster.db_cluster_identifier
            )
        })),
        kind: "AwsRdsDbCluster",
        region: Some(region.to_string()),
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let clusters = match inv.rds.db_clusters.as_result() {
            Ok(clusters) => clusters,
            Err(why) => {
                out.error(
                    account.regional_resource(region, "AwsRdsDbCluster"),
                    format!("RDS clusters could not be listed: {why}"),
                );
                continue;
            }
        };
        for cluster in clusters {
            let resource = cluster_resource(account, region, cluster);
            if cluster.multi_az {
                out.pass(resource, "instances in multiple Availability Zones");
            } else {
                out.fail(resource, "all instances in one Availability Zone (no Multi-AZ)");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::rds::DbCluster;
    use crate::rds::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_and_fail_per_cluster() {
        let mut account = account_with_instances(Vec::new());
        let mut arnless = DbCluster { arn: None, ..db_cluster("arnless", true) };
        arnless.multi_az = false;
        region(&mut account).rds.db_clusters = Collected::Known(vec![db_cluster("spread", true), arnless]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "spread"), Status::Pass);
        assert_eq!(status_of(&found, "arnless"), Status::Fail);
        assert_eq!(found[0].resource.kind, "AwsRdsDbCluster");
        assert_eq!(
            found[0].resource.arn.as_deref(),
            Some(format!("arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:spread").as_str())
        );
        assert_eq!(
            found[1].resource.arn.as_deref(),
            Some(format!("arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:arnless").as_str())
        );
    }

    #[test]
    fn no_clusters_no_findings() {
        assert!(run(&CHECK, &account_with_instances(vec![db_instance("plain")])).is_empty());
    }

    #[test]
    fn errors_when_clusters_are_unreadable() {
        let mut account = account_with_instances(Vec::new());
        region(&mut account).rds.db_clusters = denied();
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 1);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/eu-west-1")), Status::Error);
        assert!(found[0].message.contains("AccessDenied"), "{}", found[0].message);
    }
}
