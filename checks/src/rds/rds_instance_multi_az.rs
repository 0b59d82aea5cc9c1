use super::{ClusterSetting, judge_by_cluster};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every RDS DB instance is a Multi-AZ deployment (`MultiAZ`): a synchronous standby in
    /// a second Availability Zone. An instance that belongs to a cluster (Aurora or a Multi-AZ
    /// DB cluster, `DBClusterIdentifier`) is judged by the cluster's `MultiAZ`
    /// (`DescribeDBClusters`), since the cluster is what spans zones; if the cluster list
    /// cannot be read the instance is an ERROR, and if the cluster is not in it the
    /// instance's own flag is used and the message says so. The clusters themselves are
    /// judged by `rds_cluster_multi_az`.
    ///
    /// Rampart files this check under the `patching` measure: none of the five measures is
    /// about availability, and the closest is keeping databases patched, because a Multi-AZ
    /// deployment lets RDS apply OS and engine maintenance to the standby first and fail
    /// over, so patches need not wait for a downtime nobody wants to schedule.
    /// ## Why it matters
    /// A Single-AZ database goes down with its Availability Zone, its host or its storage,
    /// and stays down during every maintenance that needs a restart. With Multi-AZ, RDS fails
    /// over to the standby automatically in a minute or two, with no data loss, which also
    /// makes applying updates routine rather than an outage.
    /// ## Remediation
    /// `aws rds modify-db-instance --db-instance-identifier <db> --multi-az --apply-immediately`
    /// (or without `--apply-immediately` to convert in the next maintenance window; the
    /// conversion doubles the instance cost and briefly affects I/O). For Aurora, add a
    /// replica in another Availability Zone: `aws rds create-db-instance --db-cluster-identifier
    /// <cluster> --db-instance-identifier <replica> --engine <engine> --db-instance-class <class>
    /// --availability-zone <other-az>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.2.4
    /// - AWS Security Hub, control RDS.5
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html
    pub static CHECK = {
        id: "rds_instance_multi_az",
        title: "RDS DB instances are Multi-AZ deployments",
        measure: Measure::Patching,
        severity: Severity::Medium,
        reads: [Source::RdsInstances, Source::RdsClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    judge_by_cluster(account, out, &ClusterSetting {
        instance: |i| i.multi_az,
        cluster: |c| c.multi_az,
        own: "instance",
        of_cluster: "",
        unlisted: "instance",
        on: "Multi-AZ",
        off: "Single-AZ",
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::rds::DbInstance;
    use crate::rds::testing::*;
    use crate::testing::*;

    fn with(id: &str, multi_az: bool, cluster: Option<&str>) -> DbInstance {
        DbInstance { multi_az, db_cluster_identifier: cluster.map(String::from), ..db_instance(id) }
    }

    #[test]
    fn instances_and_cluster_members() {
        let mut single_cluster = db_cluster("aurora-single", true);
        single_cluster.multi_az = false;
        let mut account = account_with_instances(vec![
            with("multi", true, None),
            with("single", false, None),
            // Aurora members: the cluster decides, whatever the instance says.
            with("member-ok", false, Some("aurora-multi")),
            with("member-bad", true, Some("aurora-single")),
            with("orphan", true, Some("gone")),
        ]);
        region(&mut account).rds.db_clusters = Collected::Known(vec![db_cluster("aurora-multi", true), single_cluster]);

        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "multi"), Status::Pass);
        assert_eq!(status_of(&found, "single"), Status::Fail);
        assert_eq!(status_of(&found, "member-ok"), Status::Pass);
        assert_eq!(status_of(&found, "member-bad"), Status::Fail);
        assert_eq!(status_of(&found, "orphan"), Status::Pass);
        assert_eq!(found[0].message, "instance Multi-AZ");
        assert_eq!(found[1].message, "instance Single-AZ");
        assert_eq!(found[3].message, "cluster aurora-single Single-AZ");
        assert_eq!(found[4].message, "cluster gone not listed; instance Multi-AZ");
        assert_eq!(found[0].resource.kind, "AwsRdsDbInstance");
        assert_eq!(
            found[0].resource.arn.as_deref(),
            Some(format!("arn:aws:rds:eu-west-1:{ACCOUNT}:db:multi").as_str())
        );
    }

    #[test]
    fn errors_for_unknown_instances_or_clusters() {
        let mut account =
            account_with_instances(vec![with("standalone", true, None), with("member", true, Some("aurora"))]);
        region(&mut account).rds.db_clusters = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "standalone"), Status::Pass);
        assert_eq!(status_of(&found, "member"), Status::Error);
        assert!(found[1].message.contains("AccessDenied"), "{}", found[1].message);

        region(&mut account).rds.db_instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
