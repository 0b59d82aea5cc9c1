use crate::declare_check;
use crate::ec2::{Verdict, known_list, vpc_resource};
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::FlowLog;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every VPC of every audited region has a flow log whose resource is the VPC itself
    /// and whose status is `ACTIVE` (DescribeFlowLogs). Flow logs on single subnets or
    /// network interfaces do not count. Any traffic type (`ALL`, `ACCEPT`, `REJECT`) is
    /// accepted. A region whose VPCs or flow logs could not be read is an ERROR.
    /// ## Why it matters
    /// Flow logs are the record of who talked to what: without them, an investigation
    /// cannot tell which addresses reached an instance, where data went, or whether rejected
    /// probes preceded a compromise. CIS asks for at least rejected traffic to be logged.
    /// ## Remediation
    /// `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type REJECT --log-destination-type cloud-watch-logs --log-group-name <group> --deliver-logs-permission-arn <role-arn>`
    /// (or `--log-destination-type s3 --log-destination arn:aws:s3:::<bucket>`). If a flow
    /// log exists but is not active, check its delivery role and destination.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 3.7
    /// - AWS Foundational Security Best Practices, control EC2.6
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
    pub static CHECK = {
        id: "vpc_flow_logs_enabled",
        title: "VPC flow logging is enabled in every VPC",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::Vpcs, Source::FlowLogs],
        eval: evaluate,
    }
}

fn judge(vpc_id: &str, logs: &[FlowLog]) -> Verdict {
    let mine: Vec<&FlowLog> = logs.iter().filter(|l| l.resource_id.as_deref() == Some(vpc_id)).collect();
    if let Some(active) =
        mine.iter().find(|l| l.flow_log_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE")))
    {
        let traffic = active.traffic_type.as_deref().unwrap_or("unknown traffic type");
        return Verdict::Pass(format!("flow log {} active ({traffic})", active.flow_log_id));
    }
    if let Some(unknown) = mine.iter().find(|l| l.flow_log_status.is_none()) {
        return Verdict::Error(format!("flow log {} has no status", unknown.flow_log_id));
    }
    match mine.first() {
        None => Verdict::Fail("no flow log".to_string()),
        Some(log) => Verdict::Fail(format!(
            "flow log {} is not active (status {})",
            log.flow_log_id,
            log.flow_log_status.as_deref().unwrap_or_default()
        )),
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(vpcs) = known_list(account, region, &inv.ec2.vpcs, "AwsEc2Vpc", "VPCs (DescribeVpcs)", out) else {
            continue;
        };
        let Some(logs) =
            known_list(account, region, &inv.ec2.flow_logs, "AwsEc2Vpc", "flow logs (DescribeFlowLogs)", out)
        else {
            continue;
        };
        for vpc in vpcs {
            let resource = vpc_resource(account, region, &vpc.vpc_id);
            judge(&vpc.vpc_id, logs).record(out, resource);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::ec2::FlowLog;
    use crate::testing::*;

    #[test]
    fn each_vpc_needs_an_active_flow_log_of_its_own() {
        let mut account = ec2_account();
        let no_status = FlowLog { flow_log_status: None, ..flow_log("fl-4", "vpc-odd", "ACTIVE") };
        let r = region(&mut account);
        r.ec2.vpcs = Collected::Known(vec![
            vpc("vpc-logged"),
            vpc("vpc-broken"),
            vpc("vpc-subnet-only"),
            vpc("vpc-none"),
            vpc("vpc-odd"),
        ]);
        r.ec2.flow_logs = Collected::Known(vec![
            flow_log("fl-1", "vpc-logged", "ACTIVE"),
            flow_log("fl-2", "vpc-broken", "FAILED"),
            flow_log("fl-3", "subnet-1", "ACTIVE"),
            no_status,
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "vpc-logged"), Status::Pass);
        assert_eq!(found[0].message, "flow log fl-1 active (ALL)");
        assert_eq!(found[0].resource.arn.as_deref(), Some(arn("vpc/vpc-logged").as_str()));
        assert_eq!(found[0].resource.kind, "AwsEc2Vpc");
        assert_eq!(status_of(&found, "vpc-broken"), Status::Fail);
        assert_eq!(status_of(&found, "vpc-subnet-only"), Status::Fail);
        assert_eq!(status_of(&found, "vpc-none"), Status::Fail);
        assert_eq!(status_of(&found, "vpc-odd"), Status::Error);
    }

    #[test]
    fn errors_when_either_list_is_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.vpcs = Collected::Known(vec![vpc("vpc-1")]);
        region(&mut account).ec2.flow_logs = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, &format!("{ACCOUNT}/{REGION}")), Status::Error);
        assert_eq!(found.len(), 1);

        region(&mut account).ec2.vpcs = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
