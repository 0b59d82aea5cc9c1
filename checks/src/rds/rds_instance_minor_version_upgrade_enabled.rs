use super::{instance_resource, instances};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every RDS DB instance has automatic minor version upgrades enabled
    /// (`AutoMinorVersionUpgrade`).
    /// ## Why it matters
    /// Minor engine versions carry security fixes. With automatic upgrades, RDS applies them
    /// in the maintenance window; without, instances stay on vulnerable versions until
    /// someone remembers, and eventually reach forced end-of-support upgrades at a time
    /// nobody chose.
    /// ## Remediation
    /// `aws rds modify-db-instance --db-instance-identifier <db> --auto-minor-version-upgrade
    /// --apply-immediately` (the upgrade itself still waits for the maintenance window).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.2.2
    /// - AWS Security Hub, control RDS.13
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades
    pub static CHECK = {
        id: "rds_instance_minor_version_upgrade_enabled",
        title: "RDS DB instances upgrade minor versions automatically",
        measure: Measure::Patching,
        severity: Severity::Low,
        reads: [Source::RdsInstances],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(instances) = instances(account, region, inv, out) else { continue };
        for instance in instances {
            let resource = instance_resource(account, region, instance);
            if instance.auto_minor_version_upgrade {
                out.pass(resource, "automatic minor version upgrade enabled");
            } else {
                out.fail(resource, "automatic minor version upgrade disabled");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::rds::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut manual = db_instance("manual");
        manual.auto_minor_version_upgrade = false;
        let mut account = account_with_instances(vec![db_instance("auto"), manual]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "auto"), Status::Pass);
        assert_eq!(status_of(&found, "manual"), Status::Fail);

        region(&mut account).rds.db_instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
