use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every ECS cluster (`ListClusters` + `DescribeClusters` with `SETTINGS`) has Container
    /// Insights `enabled` or `enhanced` (the `containerInsights` setting).
    /// ## Why it matters
    /// Container Insights collects per-task and per-container CPU, memory, network and
    /// restart metrics: the signal that a container is mining, leaking or crash-looping, and
    /// the baseline an investigation compares with.
    /// ## Remediation
    /// `aws ecs update-cluster-settings --cluster <name> --settings
    /// name=containerInsights,value=enhanced` (or `enabled`), and
    /// `aws ecs put-account-setting --name containerInsights --value enhanced` for new clusters.
    /// ## References
    /// - AWS Security Hub, control ECS.12
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html
    pub static CHECK = {
        id: "ecs_cluster_container_insights_enabled",
        title: "ECS clusters have Container Insights",
        measure: Measure::Monitoring,
        severity: Severity::Low,
        reads: [Source::EcsClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let clusters = match &inv.ecs.clusters {
            Collected::Known(c) => c,
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEcsCluster"), format!("ECS clusters could not be listed: {why}"));
                continue;
            }
        };
        for cluster in clusters {
            let resource = Resource { id: cluster.name.clone(), arn: Some(cluster.arn.clone()), kind: "AwsEcsCluster", region: Some(region.to_string()) };
            match cluster.container_insights.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some(mode @ ("enabled" | "enhanced")) => out.pass(resource, format!("Container Insights {mode}")),
                Some(mode) => out.fail(resource, format!("Container Insights {mode}")),
                None => out.fail(resource, "Container Insights not set (disabled)"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecs::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        region(&mut account).ecs.clusters = Collected::Known(vec![
            cluster("on", Some("enabled")),
            cluster("enhanced", Some("enhanced")),
            cluster("off", Some("disabled")),
            cluster("unset", None),
        ]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Pass, Fail, Fail]);
        region(&mut account).ecs.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Error);
    }
}
