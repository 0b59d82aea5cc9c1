use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EFS file system (`DescribeFileSystems`) is encrypted at rest (`Encrypted`).
    /// ## Why it matters
    /// File systems hold shared application data, home directories and exports. Encryption
    /// at rest protects them, and their backups, from anyone who obtains the underlying
    /// storage, and makes access depend on a KMS key whose use is logged and can be revoked.
    /// ## Remediation
    /// Encryption can only be chosen at creation. Create an encrypted file system
    /// (`aws efs create-file-system --encrypted --kms-key-id <key>`), copy the data (AWS
    /// DataSync, or a restore from AWS Backup into the new file system), move the mount
    /// targets and clients over, then delete the old file system.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 2.3.1
    /// - AWS Security Hub, control EFS.1
    /// - https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html
    pub static CHECK = {
        id: "efs_encryption_at_rest_enabled",
        title: "EFS file systems are encrypted at rest",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::EfsFileSystems],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let file_systems = match &inv.efs.file_systems {
            Collected::Known(f) => f,
            Collected::Unknown(why) => {
                out.error(account.regional_resource(region, "AwsEfsFileSystem"), format!("EFS file systems could not be listed: {why}"));
                continue;
            }
        };
        for fs in file_systems {
            let resource = Resource {
                id: fs.file_system_id.clone(),
                arn: Some(fs.arn.clone().unwrap_or_else(|| {
                    format!("arn:{}:elasticfilesystem:{region}:{}:file-system/{}", account.partition, account.account_id, fs.file_system_id)
                })),
                kind: "AwsEfsFileSystem",
                region: Some(region.to_string()),
            };
            if fs.encrypted {
                out.pass(resource, "encrypted at rest");
            } else {
                out.fail(resource, "not encrypted at rest");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::efs::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut no_arn = file_system("fs-noarn", true);
        no_arn.arn = None;
        region(&mut account).efs.file_systems =
            Collected::Known(vec![file_system("fs-enc", true), file_system("fs-plain", false), no_arn]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "fs-enc"), Status::Pass);
        assert_eq!(status_of(&found, "fs-plain"), Status::Fail);
        assert_eq!(
            found[2].resource.arn.as_deref(),
            Some(format!("arn:aws:elasticfilesystem:eu-west-1:{ACCOUNT}:file-system/fs-noarn").as_str())
        );
        assert_eq!(found[1].resource.kind, "AwsEfsFileSystem");

        region(&mut account).efs.file_systems = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
