use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{attached_policies, authorization_details, judge_admin, policy_arn_resource, policy_resource};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No customer managed policy that is attached to a user, group or role (attachment
    /// count above zero, or named by an entity in `GetAccountAuthorizationDetails`) allows
    /// every action on every resource. The default version's document is parsed: a
    /// statement `Allow` whose `Action` has a pattern matching every action (`*`, `*:*`,
    /// `*:**`, `*?*`, …; or a `NotAction` that leaves IAM allowed) and whose `Resource` has a
    /// pattern matching every ARN of the account's partition (`*`, `arn:aws:*`,
    /// `arn:aws:*:*:*:*`; or a `NotResource` that does not exclude everything) fails;
    /// patterns are judged by what they match, not by their text, and the rules are in
    /// `crate::policy::analysis`. A document that is missing or malformed, or a pattern too
    /// complex to decide, is an ERROR with the reason, never a PASS.
    /// ## Why it matters
    /// A principal with `*:*` can do anything in the account, including erasing logs and
    /// granting itself or others any access. A home-made `*:*` policy is also easy to
    /// overlook: it does not carry the `AdministratorAccess` name reviewers look for.
    /// ## Remediation
    /// Rewrite the policy with the actions and resources the holders need
    /// (`aws iam create-policy-version --policy-arn <arn> --policy-document file://narrow.json
    /// --set-as-default`), or detach it (`aws iam list-entities-for-policy --policy-arn <arn>`,
    /// then `detach-role-policy` / `detach-user-policy` / `detach-group-policy`).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.15
    /// - AWS Security Hub, control IAM.1
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    pub static CHECK = {
        id: "iam_customer_attached_policy_no_administrative_privileges",
        title: "Attached customer managed policies do not allow '*:*' administrative privileges",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    let (policies, missing) = attached_policies(details, false);
    for policy in policies {
        let what = format!("customer managed policy {} (attached {} time(s))", policy.policy_name, policy.attachment_count);
        judge_admin(policy.default_version_document.as_deref(), &account.partition, policy_resource(policy), &what, out);
    }
    for arn in missing {
        out.error(policy_arn_resource(arn), "attached, but its document is not in the authorization details");
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::iam::AuthorizationDetails;
    use crate::testing::*;

    const NOT_ACTION_ADMIN: &str =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}]}"#;
    const POWER_USER: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles"], "Resource": "*"}]}"#;

    #[test]
    fn judges_attached_customer_policies_only() {
        let mut user = iam_user("alice");
        user.attached_managed_policies = vec![format!("arn:aws:iam::{ACCOUNT}:policy/Counted0")];
        let details = AuthorizationDetails {
            users: vec![user],
            policies: vec![
                customer_policy("StarStar", 1, Some(ADMIN_POLICY)),
                customer_policy("NotAction", 3, Some(NOT_ACTION_ADMIN)),
                customer_policy("PowerUser", 1, Some(POWER_USER)),
                customer_policy("Reader", 1, Some(READ_POLICY)),
                customer_policy("Counted0", 0, Some(ADMIN_POLICY)),
                customer_policy("Unattached", 0, Some(ADMIN_POLICY)),
                customer_policy("Broken", 1, Some("{not json")),
                aws_policy("AdministratorAccess", 1, Some(ADMIN_POLICY)),
            ],
            ..Default::default()
        };
        let found = run(&CHECK, &account_with_details(details));
        assert_eq!(found.len(), 6, "{found:#?}");
        assert_eq!(status_of(&found, "StarStar"), Status::Fail);
        assert_eq!(status_of(&found, "NotAction"), Status::Fail);
        assert_eq!(status_of(&found, "PowerUser"), Status::Pass);
        assert_eq!(status_of(&found, "Reader"), Status::Pass);
        assert_eq!(status_of(&found, "Counted0"), Status::Fail);
        assert_eq!(status_of(&found, "Broken"), Status::Error);
        assert_eq!(found[3].message, "customer managed policy Reader (attached 1 time(s)) does not allow '*' on '*'");
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
