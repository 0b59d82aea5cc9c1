use super::credential_report;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every IAM user with a console password has an MFA device (credential report:
    /// `password_enabled` and `mfa_active`). Users without a console password pass.
    /// ## Why it matters
    /// A phished or reused password alone then opens the console with all of the user's
    /// permissions.
    /// ## Remediation
    /// Assign an MFA device to the user (`aws iam create-virtual-mfa-device` then
    /// `aws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 … --authentication-code2 …`),
    /// or remove the console password (`aws iam delete-login-profile --user-name <user>`) if it is not needed.
    /// Enforce MFA with a policy that denies actions when `aws:MultiFactorAuthPresent` is false.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.9
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
    pub static CHECK = {
        id: "iam_user_mfa_enabled_console_access",
        title: "IAM users with a console password have MFA",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    for user in report.users() {
        match (user.has_console_password(), user.mfa_active) {
            (true, true) => out.pass(user.resource(), "console password with MFA"),
            (true, false) => out.fail(user.resource(), "console password without MFA"),
            (false, _) => out.pass(user.resource(), "no console password"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_per_user_and_root_ignored() {
        let account = account_with_report(&[
            root(),
            user("with-mfa").console(true).mfa(true),
            user("no-mfa").console(true).mfa(false),
            user("api-only").console(false).mfa(false),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(
            outcomes(&found),
            vec![
                ("with-mfa".into(), Status::Pass),
                ("no-mfa".into(), Status::Fail),
                ("api-only".into(), Status::Pass),
            ]
        );
    }

    #[test]
    fn error_when_report_unreadable() {
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Error);
        assert!(found[0].message.contains("AccessDenied"));
    }
}
