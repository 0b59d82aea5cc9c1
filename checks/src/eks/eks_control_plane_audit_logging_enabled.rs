use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

/// The log types every cluster must send to CloudWatch Logs.
const REQUIRED: [&str; 3] = ["api", "audit", "authenticator"];

declare_check! {
    /// ## What it checks
    /// Every EKS cluster sends the control-plane logs `api`, `audit` and `authenticator` to
    /// CloudWatch Logs (`DescribeCluster`, `logging.clusterLogging` entries with `enabled:
    /// true`). `controllerManager` and `scheduler` are not required (Prowler's
    /// `eks_control_plane_logging_all_types_enabled` requires all five).
    /// ## Why it matters
    /// The audit log is the record of every request to the Kubernetes API — who read which
    /// secret, who created the privileged pod; the authenticator log maps those requests to
    /// IAM principals; the API server log shows failures. Without them an intrusion in the
    /// cluster leaves no trace outside it.
    /// ## Remediation
    /// `aws eks update-cluster-config --name <name> --logging
    /// '{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}'`.
    /// ## References
    /// - AWS Security Hub, control EKS.8
    /// - https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    pub static CHECK = {
        id: "eks_control_plane_audit_logging_enabled",
        title: "EKS clusters log API, audit and authenticator events",
        measure: Measure::Monitoring,
        severity: Severity::Medium,
        reads: [Source::EksClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_cluster(account, out, |_, cluster, resource, out| {
        let missing: Vec<&str> =
            REQUIRED.into_iter().filter(|t| !cluster.enabled_log_types.iter().any(|e| e.eq_ignore_ascii_case(t))).collect();
        if missing.is_empty() {
            out.pass(resource, "api, audit and authenticator logs enabled");
        } else {
            out.fail(resource, format!("control-plane logs not enabled: {}", missing.join(", ")));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut partial = cluster("partial");
        partial.enabled_log_types = vec!["api".into(), "scheduler".into()];
        region(&mut account).eks.clusters = Collected::Known(vec![cluster("logged"), partial]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "logged"), Status::Pass);
        assert_eq!(status_of(&found, "partial"), Status::Fail);
        assert_eq!(found[1].message, "control-plane logs not enabled: audit, authenticator");
        region(&mut account).eks.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
