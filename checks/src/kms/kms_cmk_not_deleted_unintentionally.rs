use super::{customer_keys, key_resource};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No customer managed KMS key is scheduled for deletion (`KeyState` `PendingDeletion`,
    /// or `PendingReplicaDeletion` for a multi-Region replica). A FAIL names the deletion
    /// date. AWS managed keys are skipped (see the `kms` module); a key whose state is
    /// unknown is an ERROR.
    /// ## Why it matters
    /// Deleting a KMS key is irreversible: every object, volume, snapshot and secret
    /// encrypted under it becomes unreadable for good. The waiting period (7 to 30 days) is
    /// the only chance to notice a mistaken or malicious deletion.
    /// ## Remediation
    /// If the key is still needed: `aws kms cancel-key-deletion --key-id <key> --region
    /// <region>`, then `aws kms enable-key --key-id <key>`. Before deleting a key on purpose,
    /// check CloudTrail for recent use and consider disabling it first.
    /// ## References
    /// - AWS Security Hub, control KMS.3
    /// - https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
    pub static CHECK = {
        id: "kms_cmk_not_deleted_unintentionally",
        title: "Customer managed KMS keys are not scheduled for deletion",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::KmsKeys, Source::KmsAliases],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(keys) = customer_keys(account, region, inv, out) else { continue };
        for key in keys {
            let resource = key_resource(region, key);
            match key.key_state.as_deref() {
                None => out.error(resource, "DescribeKey returned no key state"),
                Some(state @ ("PendingDeletion" | "PendingReplicaDeletion")) => match key.deletion_date {
                    Some(when) => out.fail(resource, format!("{state}: scheduled for deletion on {}", when.format("%Y-%m-%d %H:%M UTC"))),
                    None => out.fail(resource, format!("{state}: scheduled for deletion")),
                },
                Some(state) => out.pass(resource, format!("not scheduled for deletion (state {state})")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::CHECK;
    use crate::finding::Status;
    use crate::kms::testing::*;
    use crate::testing::*;

    #[test]
    fn fail_when_pending_deletion() {
        let mut pending = key("pending");
        pending.key_state = Some("PendingDeletion".into());
        pending.deletion_date = Some(now() + Duration::days(7));
        let mut disabled = key("disabled");
        disabled.key_state = Some("Disabled".into());
        let mut no_state = key("no-state");
        no_state.key_state = None;
        let mut aws = key("aws");
        aws.key_manager = Some("AWS".into());
        aws.key_state = Some("PendingDeletion".into());
        let account = account_with_keys(vec![key("enabled"), pending, disabled, no_state, aws], Vec::new());

        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 4);
        assert_eq!(status_of(&found, "enabled"), Status::Pass);
        assert_eq!(status_of(&found, "pending"), Status::Fail);
        assert_eq!(status_of(&found, "disabled"), Status::Pass);
        assert_eq!(status_of(&found, "no-state"), Status::Error);
        assert_eq!(found[1].message, "PendingDeletion: scheduled for deletion on 2026-11-08 12:00 UTC");
    }

    #[test]
    fn error_when_keys_unknown() {
        let mut account = account();
        region(&mut account).kms.keys = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
