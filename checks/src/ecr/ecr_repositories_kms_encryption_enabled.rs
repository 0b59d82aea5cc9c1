use super::each_repository;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every ECR repository (`DescribeRepositories`) is encrypted with a KMS key:
    /// `encryptionConfiguration.encryptionType` is `KMS` or `KMS_DSSE`; `AES256` (Amazon S3
    /// managed keys, the default) fails. The finding names the key.
    /// ## Why it matters
    /// With a KMS key, pulling an image needs `kms:Decrypt` on the key as well as ECR
    /// permissions, every use is logged in CloudTrail, and disabling the key cuts access to
    /// every layer at once; a customer managed key keeps that control in the account.
    /// ## Remediation
    /// Encryption is chosen at creation: create a repository with `aws ecr create-repository
    /// --repository-name <name> --encryption-configuration encryptionType=KMS,kmsKey=<key>`,
    /// push the images to it, and move the tasks and pods over.
    /// ## References
    /// - AWS Security Hub, control ECR.5
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
    pub static CHECK = {
        id: "ecr_repositories_kms_encryption_enabled",
        title: "ECR repositories are encrypted with a KMS key",
        measure: Measure::Encryption,
        severity: Severity::Low,
        reads: [Source::EcrRepositories],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |_, repo, resource, out| {
        let kind = repo.encryption_type.to_ascii_uppercase();
        match kind.as_str() {
            "KMS" | "KMS_DSSE" => {
                let key = repo.kms_key.as_deref().unwrap_or("the AWS managed key aws/ecr");
                out.pass(resource, format!("encrypted with {kind} ({key})"));
            }
            "AES256" => out.fail(resource, "encrypted with AES256 (S3 managed keys), not a KMS key"),
            other => out.error(resource, format!("unknown encryption type '{other}'")),
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
        let mut kms = repository("kms");
        kms.encryption_type = "KMS".into();
        kms.kms_key = Some("arn:aws:kms:eu-west-1:123456789012:key/k".into());
        region(&mut account).ecr.repositories = Collected::Known(vec![kms, repository("aes")]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "kms"), Status::Pass);
        assert!(found[0].message.contains("key/k"));
        assert_eq!(status_of(&found, "aes"), Status::Fail);
        region(&mut account).ecr.repositories = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
