use super::each_repository;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every ECR repository has a lifecycle policy (`GetLifecyclePolicy`); one that says
    /// `LifecyclePolicyNotFoundException` fails, one that cannot be read is an ERROR.
    /// ## Why it matters
    /// Old images pile up: each keeps its vulnerable packages pullable and runnable long after
    /// the fixed build replaced it, and it clutters every scan report. A lifecycle policy
    /// expires untagged and superseded images so that what can be deployed stays current.
    /// ## Remediation
    /// `aws ecr put-lifecycle-policy --repository-name <name> --lifecycle-policy-text
    /// file://policy.json`, for example expiring untagged images after 14 days and keeping the
    /// last 50 tagged ones.
    /// ## References
    /// - AWS Security Hub, control ECR.3
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
    pub static CHECK = {
        id: "ecr_repositories_lifecycle_policy_enabled",
        title: "ECR repositories have a lifecycle policy",
        measure: Measure::Containers,
        severity: Severity::Low,
        reads: [Source::EcrRepositories, Source::EcrLifecyclePolicies],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |_, repo, resource, out| {
        match &repo.lifecycle_policy {
            Collected::Unknown(why) => out.error(resource, format!("lifecycle policy could not be read: {why}")),
            Collected::Known(Some(_)) => out.pass(resource, "lifecycle policy set"),
            Collected::Known(None) => out.fail(resource, "no lifecycle policy"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecr::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut kept = repository("kept");
        kept.lifecycle_policy = Collected::Known(Some(r#"{"rules":[]}"#.into()));
        let mut unreadable = repository("unreadable");
        unreadable.lifecycle_policy = denied();
        region(&mut account).ecr.repositories = Collected::Known(vec![kept, repository("bare"), unreadable]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "kept"), Status::Pass);
        assert_eq!(status_of(&found, "bare"), Status::Fail);
        assert_eq!(status_of(&found, "unreadable"), Status::Error);
    }
}
