use super::{credential_report, date, days_between};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user has an active access key left unused for `iam.max_unused_credential_days`
    /// (default 45) days: the key's `last_used_date` is older than that, or the key was never
    /// used and was created (`last_rotated`) longer ago than that.
    /// ## Why it matters
    /// An unused key gives nothing but risk: it still works if it leaks, and nobody notices
    /// its misuse because nobody expects it to be used.
    /// ## Remediation
    /// `aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive`,
    /// then delete it once nothing depends on it.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.11
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
    pub static CHECK = {
        id: "iam_user_accesskey_unused",
        title: "IAM users have no active access key unused for 45 days",
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
        let mut unused = Vec::new();
        let mut undated = Vec::new();
        let mut active = 0;
        for (n, key) in user.active_access_keys() {
            active += 1;
            match (key.last_used_date.at(), key.last_rotated.at()) {
                (Some(used), _) if days_between(used, ctx.now) >= max => {
                    unused.push(format!("key {n} last used {} ({} days)", date(used), days_between(used, ctx.now)))
                }
                (Some(_), _) => {}
                (None, Some(created)) if days_between(created, ctx.now) >= max => {
                    unused.push(format!("key {n} never used since {} ({} days)", date(created), days_between(created, ctx.now)))
                }
                (None, Some(_)) => {}
                (None, None) => undated.push(format!("key {n}")),
            }
        }
        if !unused.is_empty() {
            out.fail(user.resource(), format!("active access key unused for {max}+ days: {}", unused.join("; ")));
        } else if !undated.is_empty() {
            out.error(user.resource(), format!("the credential report gives no dates for active {}", undated.join(", ")));
        } else if active == 0 {
            out.pass(user.resource(), "no active access keys");
        } else {
            out.pass(user.resource(), format!("every active access key was used or created within {max} days"));
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
        let never = ReportTime::NotApplicable;
        let account = account_with_report(&[
            user("used-recently").key(1, true, days_ago(200), days_ago(3)),
            user("used-long-ago").key(1, true, days_ago(200), days_ago(60)),
            user("never-used-old").key(1, true, days_ago(50), never),
            user("never-used-new").key(1, true, days_ago(5), never),
            user("inactive-old").key(1, false, days_ago(300), days_ago(290)),
            user("no-keys"),
        ]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "used-recently"), Status::Pass);
        assert_eq!(status_of(&found, "used-long-ago"), Status::Fail);
        assert_eq!(status_of(&found, "never-used-old"), Status::Fail);
        assert_eq!(status_of(&found, "never-used-new"), Status::Pass);
        assert_eq!(status_of(&found, "inactive-old"), Status::Pass);
        assert_eq!(status_of(&found, "no-keys"), Status::Pass);
    }

    #[test]
    fn errors() {
        let account = account_with_report(&[user("odd").key(2, true, ReportTime::NoInformation, ReportTime::NotApplicable)]);
        assert_eq!(status_of(&run(&CHECK, &account), "odd"), Status::Error);
        let mut account = account_with_report(&[]);
        account.iam.credential_report = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
