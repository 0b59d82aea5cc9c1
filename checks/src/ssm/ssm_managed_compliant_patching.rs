use crate::declare_check;
use crate::ec2::{Verdict, instance_resource, known_list};
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ssm::PatchCompliance;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every Systems Manager managed node (DescribeInstanceInformation) has a patch
    /// compliance status of `COMPLIANT` (ListResourceComplianceSummaries, compliance type
    /// `Patch`). `NON_COMPLIANT` fails with the number of missing patches. A managed node with
    /// no patch compliance data at all fails too: it has never been scanned by Patch Manager,
    /// so nobody knows what it is missing. An unrecognised status, or a list that could not
    /// be read, is an ERROR.
    /// ## Why it matters
    /// Missing security patches are the most exploited weakness there is; Patch Manager's
    /// compliance data is the account's own record of which nodes lag behind their baseline.
    /// ## Remediation
    /// Scan and install with the `AWS-RunPatchBaseline` document on a schedule (a Quick Setup
    /// patch policy or a maintenance window):
    /// `aws ssm send-command --document-name AWS-RunPatchBaseline --targets Key=InstanceIds,Values=<id> --parameters Operation=Install`,
    /// then review the patches still reported missing with `aws ssm describe-instance-patches --instance-id <id> --filters Key=State,Values=Missing`.
    /// ## References
    /// - AWS Foundational Security Best Practices, control SSM.2
    /// - https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-compliance-states.html
    pub static CHECK = {
        id: "ssm_managed_compliant_patching",
        title: "Systems Manager managed nodes are patch compliant",
        measure: Measure::Patching,
        severity: Severity::High,
        reads: [Source::SsmManagedInstances, Source::SsmPatchCompliance],
        eval: evaluate,
    }
}

fn judge(compliance: Option<&PatchCompliance>) -> Verdict {
    let Some(c) = compliance else {
        return Verdict::Fail("never scanned for patches (no patch compliance data)".to_string());
    };
    match c.status.to_ascii_uppercase().as_str() {
        "COMPLIANT" => Verdict::Pass("patch compliance COMPLIANT".to_string()),
        "NON_COMPLIANT" => Verdict::Fail(format!(
            "patch compliance NON_COMPLIANT: {} missing patch(es), {} critical, {} high",
            c.non_compliant_total, c.non_compliant_critical, c.non_compliant_high
        )),
        other => Verdict::Error(format!("unrecognised patch compliance status '{other}'")),
    }
}

/// An EC2 instance, or a hybrid managed node (`mi-…`) with its SSM ARN.
fn node_resource(account: &AccountInventory, region: &str, id: &str) -> Resource {
    if id.starts_with("mi-") {
        Resource {
            id: id.to_string(),
            arn: Some(format!("arn:{}:ssm:{region}:{}:managed-instance/{id}", account.partition, account.account_id)),
            kind: "Other",
            region: Some(region.to_string()),
        }
    } else {
        instance_resource(account, region, id)
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let managed_what = "SSM managed instances (DescribeInstanceInformation)";
        let Some(managed) =
            known_list(account, region, &inv.ssm.managed_instances, "AwsEc2Instance", managed_what, out)
        else {
            continue;
        };
        let patch_what = "SSM patch compliance (ListResourceComplianceSummaries)";
        let Some(patches) = known_list(account, region, &inv.ssm.patch_compliance, "AwsEc2Instance", patch_what, out)
        else {
            continue;
        };
        for node in managed {
            let compliance = patches.iter().find(|c| c.resource_id == node.instance_id);
            judge(compliance).record(out, node_resource(account, region, &node.instance_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::arn;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::ssm::testing::*;
    use crate::testing::*;

    #[test]
    fn compliant_passes_non_compliant_and_unscanned_fail() {
        let mut account = ssm_account();
        let r = region(&mut account);
        r.ssm.managed_instances = Collected::Known(vec![
            managed("i-ok"),
            managed("i-behind"),
            managed("i-never"),
            managed("mi-onprem"),
            managed("i-odd"),
        ]);
        r.ssm.patch_compliance = Collected::Known(vec![
            compliance("i-ok", "COMPLIANT", 0, 0, 0),
            compliance("i-behind", "NON_COMPLIANT", 2, 3, 7),
            compliance("mi-onprem", "COMPLIANT", 0, 0, 0),
            compliance("i-odd", "UNSPECIFIED_DATA", 0, 0, 0),
            compliance("i-not-managed", "NON_COMPLIANT", 1, 1, 1),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 5, "only managed nodes are judged: {found:#?}");
        assert_eq!(status_of(&found, "i-ok"), Status::Pass);
        assert_eq!(status_of(&found, "i-behind"), Status::Fail);
        assert_eq!(found[1].message, "patch compliance NON_COMPLIANT: 7 missing patch(es), 2 critical, 3 high");
        assert_eq!(status_of(&found, "i-never"), Status::Fail);
        assert_eq!(found[2].message, "never scanned for patches (no patch compliance data)");
        assert_eq!(status_of(&found, "mi-onprem"), Status::Pass);
        assert_eq!(
            found[3].resource.arn.as_deref(),
            Some(format!("arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/mi-onprem").as_str())
        );
        assert_eq!(status_of(&found, "i-odd"), Status::Error);
        assert_eq!(found[0].resource.arn.as_deref(), Some(arn("instance/i-ok").as_str()));
    }

    #[test]
    fn errors_when_either_list_is_unreadable() {
        let mut account = ssm_account();
        region(&mut account).ssm.managed_instances = Collected::Known(vec![managed("i-1")]);
        region(&mut account).ssm.patch_compliance = denied();
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 1);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);

        region(&mut account).ssm.managed_instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
