use super::{credential_report, date, days_between};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user keeps a console password unused for `iam.max_unused_credential_days`
    /// (default 45) days: `password_last_used` is older than that, or the password was never
    /// used (`N/A` or `no_information`) and was set (`password_last_changed`, else
    /// `user_creation_time`) longer ago than that. Users without a console password pass.
    /// ## Why it matters
    /// A dormant password is an account nobody watches: people who left, test users,
    /// passwords handed out and forgotten.
    /// ## Remediation
    /// `aws iam delete-login-profile --user-name <user>` removes console access; the user keeps
    /// their other credentials.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.11
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
    pub static CHECK = {
        id: "iam_user_console_access_unused",
        title: "IAM users have no console password unused for 45 days",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::CredentialReport],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let Some(report) = credential_report(account, out) else { return };
    let max = ctx.config.iam.max_unused_credential_days;
    for user in report.users() {
        if !user.has_console_password() {
            out.pass(user.resource(), "no console password");
            continue;
        }
        if let Some(used) = user.password_last_used.at() {
            let days = days_between(used, ctx.now);
            if days >= max {
                out.fail(user.resource(), format!("console password last used {} ({days} days ago)", date(used)));
            } else {
                out.pass(user.resource(), format!("console password used {} ({days} days ago)", date(used)));
            }
            continue;
        }
        match user.password_last_changed.at().or(user.user_creation_time.at()) {
            None => out.error(user.resource(), "console password never used and the report gives no date it was set"),
            Some(set) => {
                let days = days_between(set, ctx.now);
                if days >= max {
                    out.fail(user.resource(), format!("console password never used since it was set on {} ({days} days ago)", date(set)));
                } else {
                    out.pass(user.resource(), format!("console password set {} ({days} days ago), not used yet", date(set)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::iam::ReportTime;
    use crate::testing::*;

    #[test]
    fn cases() {
        let account = account_with_report(&[
            user("active").console(true).password_used(days_ago(2)),
            user("dormant").console(true).password_used(days_ago(45)),
            user("never-old").console(true).password_changed(days_ago(100)).password_used(ReportTime::NoInformation),
            user("never-new").console(true).password_changed(days_ago(3)),
            user("api-only").password_used(days_ago(400)),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "active"), Status::Pass);
        assert_eq!(status_of(&found, "dormant"), Status::Fail);
        assert_eq!(status_of(&found, "never-old"), Status::Fail);
        assert_eq!(status_of(&found, "never-new"), Status::Pass);
        assert_eq!(status_of(&found, "api-only"), Status::Pass);
    }

    #[test]
    fn errors() {
        let account = account_with_report(&[user("odd")
            .created(ReportTime::NotApplicable)
            .console(true)
            .password_changed(ReportTime::NotApplicable)]);
        assert_eq!(status_of(&run(&CHECK, &account), "odd"), Status::Error);
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
