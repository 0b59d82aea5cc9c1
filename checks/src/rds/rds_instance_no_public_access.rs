use super::{instance_resource, instances};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No RDS DB instance is publicly accessible (`PubliclyAccessible` is false). The flag
    /// alone decides: with it set, the instance's endpoint resolves to a public address, and
    /// only its security groups and subnet routes stand between it and the internet. Rampart
    /// does not try to prove that those happen to block everything today.
    /// ## Why it matters
    /// A database reachable from the internet is exposed to password guessing, engine
    /// vulnerabilities and denial of service, one security group change away from an open
    /// port. Databases belong in private subnets, reached through the application, a
    /// bastion or a VPN.
    /// ## Remediation
    /// `aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible
    /// --apply-immediately`, and move the instance to a DB subnet group of private subnets.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.2.3
    /// - AWS Security Hub, control RDS.2
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
    pub static CHECK = {
        id: "rds_instance_no_public_access",
        title: "RDS DB instances are not publicly accessible",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::RdsInstances],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(instances) = instances(account, region, inv, out) else { continue };
        for instance in instances {
            let resource = instance_resource(account, region, instance);
            if instance.publicly_accessible {
                out.fail(resource, "publicly accessible: the endpoint resolves to a public IP address");
            } else {
                out.pass(resource, "not publicly accessible");
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
        let mut public = db_instance("public");
        public.publicly_accessible = true;
        let mut account = account_with_instances(vec![db_instance("private"), public]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "private"), Status::Pass);
        assert_eq!(status_of(&found, "public"), Status::Fail);

        region(&mut account).rds.db_instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
