use super::{ClusterSetting, judge_by_cluster};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every RDS DB instance stores its data encrypted (`StorageEncrypted`). An instance that
    /// belongs to a cluster (Aurora, `DBClusterIdentifier`) is judged by the cluster's
    /// `StorageEncrypted` (`DescribeDBClusters`), which is where Aurora encryption is
    /// decided; if the cluster list cannot be read the instance is an ERROR, and if the
    /// cluster is not in it the instance's own flag is used and the message says so.
    /// ## Why it matters
    /// Encryption at rest protects the database files, automated backups, read replicas and
    /// snapshots from anyone who obtains the storage or a copy of a snapshot, and makes
    /// reading them depend on a KMS key whose use is logged.
    /// ## Remediation
    /// Encryption cannot be turned on for an existing instance. Take a snapshot, copy it
    /// with encryption (`aws rds copy-db-snapshot --source-db-snapshot-identifier <snap>
    /// --target-db-snapshot-identifier <snap>-enc --kms-key-id <key>`), restore a new
    /// instance from the copy, switch clients over, then delete the old instance.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.2.1
    /// - AWS Security Hub, control RDS.3
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
    pub static CHECK = {
        id: "rds_instance_storage_encrypted",
        title: "RDS DB instance storage is encrypted",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::RdsInstances, Source::RdsClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    judge_by_cluster(account, out, &ClusterSetting {
        instance: |i| i.storage_encrypted,
        cluster: |c| c.storage_encrypted,
        own: "storage",
        of_cluster: " storage",
        unlisted: "instance storage",
        on: "encrypted",
        off: "not encrypted",
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::rds::testing::*;
    use crate::testing::*;

    #[test]
    fn instances_and_cluster_members() {
        let mut plain = db_instance("plain");
        plain.storage_encrypted = false;
        // Aurora members: the cluster decides, whatever the instance says.
        let mut member_ok = db_instance("member-ok");
        member_ok.storage_encrypted = false;
        member_ok.db_cluster_identifier = Some("aurora-enc".into());
        let mut member_bad = db_instance("member-bad");
        member_bad.db_cluster_identifier = Some("aurora-plain".into());
        let mut orphan = db_instance("orphan");
        orphan.db_cluster_identifier = Some("gone".into());
        let mut account = account_with_instances(vec![db_instance("enc"), plain, member_ok, member_bad, orphan]);
        region(&mut account).rds.db_clusters =
            Collected::Known(vec![db_cluster("aurora-enc", true), db_cluster("aurora-plain", false)]);

        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "enc"), Status::Pass);
        assert_eq!(status_of(&found, "plain"), Status::Fail);
        assert_eq!(status_of(&found, "member-ok"), Status::Pass);
        assert_eq!(status_of(&found, "member-bad"), Status::Fail);
        assert_eq!(status_of(&found, "orphan"), Status::Pass);
        assert_eq!(found[1].message, "storage not encrypted");
        assert_eq!(found[2].message, "cluster aurora-enc storage encrypted");
        assert_eq!(found[4].message, "cluster gone not listed; instance storage encrypted");
        assert_eq!(found[0].resource.kind, "AwsRdsDbInstance");
        assert_eq!(found[0].resource.arn.as_deref(), Some(format!("arn:aws:rds:eu-west-1:{ACCOUNT}:db:enc").as_str()));
    }

    #[test]
    fn errors_for_unknown_instances_or_clusters() {
        let mut member = db_instance("member");
        member.db_cluster_identifier = Some("aurora".into());
        let mut account = account_with_instances(vec![db_instance("standalone"), member]);
        region(&mut account).rds.db_clusters = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "standalone"), Status::Pass);
        assert_eq!(status_of(&found, "member"), Status::Error);

        region(&mut account).rds.db_instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
