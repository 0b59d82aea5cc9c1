use super::each_repository;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::policy::{self, join_refs};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No ECR repository policy (`GetRepositoryPolicy`) allows everyone: no `Allow`
    /// statement to `"*"` / `{"AWS": "*"}` (or with `NotPrincipal`) that a condition such as
    /// `aws:PrincipalOrgID`, `aws:PrincipalAccount` or `aws:SourceVpce` with specific values
    /// does not restrict — the same policy analysis as the S3 and KMS checks
    /// (`crate::policy::analysis`). A repository without a policy passes; a policy that cannot
    /// be read or parsed is an ERROR.
    /// ## Why it matters
    /// A public repository policy lets any AWS account pull the images (and with
    /// `ecr:PutImage`, push over them): source code, configuration baked into layers and
    /// credentials left in them leak, and a writable repository lets a stranger replace what
    /// tasks and pods run.
    /// ## Remediation
    /// Name the accounts or the organization (`aws:PrincipalOrgID`) that pull, then
    /// `aws ecr set-repository-policy --repository-name <name> --policy-text file://policy.json`,
    /// or `aws ecr delete-repository-policy --repository-name <name>`. Public images belong
    /// in ECR Public.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
    pub static CHECK = {
        id: "ecr_repositories_not_publicly_accessible",
        title: "ECR repository policies do not allow public access",
        measure: Measure::Containers,
        severity: Severity::Critical,
        reads: [Source::EcrRepositories, Source::EcrRepositoryPolicies],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |_, repo, resource, out| {
        match &repo.policy {
            Collected::Unknown(why) => out.error(resource, format!("repository policy could not be read: {why}")),
            Collected::Known(None) => out.pass(resource, "no repository policy"),
            Collected::Known(Some(text)) => match policy::parse(text) {
                Err(e) => out.error(resource, format!("repository policy: {e}")),
                Ok(doc) => {
                    let public = doc.public_statements();
                    if public.is_empty() {
                        out.pass(resource, "repository policy grants no public access");
                    } else {
                        out.fail(resource, format!("repository policy {} allows everyone", join_refs(&public)));
                    }
                }
            },
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

    const PUBLIC: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
    const ORG: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let with = |name: &str, policy: Collected<Option<String>>| {
            let mut r = repository(name);
            r.policy = policy;
            r
        };
        region(&mut account).ecr.repositories = Collected::Known(vec![
            with("public", Collected::Known(Some(PUBLIC.into()))),
            with("org", Collected::Known(Some(ORG.into()))),
            with("none", Collected::Known(None)),
            with("broken", Collected::Known(Some("{not json".into()))),
            with("denied", denied()),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "public"), Status::Fail);
        assert!(found[0].message.contains("statement 1 (Sid \"Pull\")"), "{}", found[0].message);
        assert_eq!(status_of(&found, "org"), Status::Pass);
        assert_eq!(status_of(&found, "none"), Status::Pass);
        assert_eq!(status_of(&found, "broken"), Status::Error);
        assert_eq!(status_of(&found, "denied"), Status::Error);
    }
}
