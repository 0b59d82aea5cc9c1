use super::each_repository;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every ECR repository (`DescribeRepositories`) has immutable tags:
    /// `imageTagMutability` is `IMMUTABLE`, or `IMMUTABLE_WITH_EXCLUSION` (immutable but for
    /// the tags its exclusion filters name, which the finding says). `MUTABLE` and
    /// `MUTABLE_WITH_EXCLUSION` fail.
    /// ## Why it matters
    /// Official, verified images are a container practice; with mutable tags, whoever can
    /// push to the repository can replace the image behind `v1.4.2` and the next task or pod
    /// that pulls the tag runs it. Immutable tags make a tag name one image for good.
    /// ## Remediation
    /// `aws ecr put-image-tag-mutability --repository-name <name> --image-tag-mutability
    /// IMMUTABLE`; deploy by a new tag for each build (or by digest).
    /// ## References
    /// - AWS Security Hub, control ECR.2
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
    pub static CHECK = {
        id: "ecr_repositories_tag_immutability",
        title: "ECR repositories have immutable tags",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::EcrRepositories],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |_, repo, resource, out| {
        match repo.tag_mutability.to_ascii_uppercase().as_str() {
            "IMMUTABLE" => out.pass(resource, "tags are immutable"),
            "IMMUTABLE_WITH_EXCLUSION" => out.pass(resource, "tags are immutable, except those its exclusion filters name"),
            "MUTABLE_WITH_EXCLUSION" => out.fail(resource, "tags are mutable (only those its exclusion filters name are immutable)"),
            "MUTABLE" => out.fail(resource, "tags are mutable"),
            other => out.error(resource, format!("unknown tag mutability '{other}'")),
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
        let repos = [("a", "IMMUTABLE"), ("b", "MUTABLE"), ("c", "IMMUTABLE_WITH_EXCLUSION"), ("d", "MUTABLE_WITH_EXCLUSION"), ("e", "SOMETIMES")];
        region(&mut account).ecr.repositories = Collected::Known(
            repos
                .iter()
                .map(|(n, m)| {
                    let mut r = repository(n);
                    r.tag_mutability = m.to_string();
                    r
                })
                .collect(),
        );
        let found = run(&CHECK, &account);
        assert_eq!(
            outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Pass, Status::Fail, Status::Error]
        );
        region(&mut account).ecr.repositories = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
