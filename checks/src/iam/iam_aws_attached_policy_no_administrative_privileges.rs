use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{attached_policies, authorization_details, judge_admin, policy_arn_resource, policy_resource};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No AWS managed policy that is attached to a user, group or role (attachment count
    /// above zero, or named by an entity in `GetAccountAuthorizationDetails`) allows every
    /// action on every resource. The default version's document is parsed: a statement
    /// `Allow` whose `Action` has a pattern matching every action (`*`, `*:*`, `*:**`, `*?*`,
    /// …; or a `NotAction` that leaves IAM allowed) and whose `Resource` has a pattern
    /// matching every ARN of the account's partition (`*`, `arn:aws:*`, `arn:aws:*:*:*:*`;
    /// or a `NotResource` that does not exclude everything) fails; patterns are judged by
    /// what they match, not by their text, and the rules are in `crate::policy::analysis`.
    /// In practice this finds `AdministratorAccess` in use. A document that is missing or
    /// malformed, or a pattern too complex to decide, is an ERROR with the reason, never a
    /// PASS.
    /// ## Why it matters
    /// A principal with `*:*` can do anything in the account, including erasing logs and
    /// granting itself or others any access. Least privilege means granting the actions a
    /// task needs; full administration should be rare, reviewed and time-limited.
    /// ## Remediation
    /// Find who holds the policy (`aws iam list-entities-for-policy --policy-arn
    /// arn:aws:iam::aws:policy/AdministratorAccess`), replace it with narrower AWS managed
    /// or customer managed policies, and detach it (`aws iam detach-role-policy`,
    /// `detach-user-policy`, `detach-group-policy`). Keep break-glass administration behind
    /// a role that requires MFA.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.15
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    pub static CHECK = {
        id: "iam_aws_attached_policy_no_administrative_privileges",
        title: "Attached AWS managed policies do not allow '*:*' administrative privileges",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    let (policies, missing) = attached_policies(details, true);
    for policy in policies {
        let what = format!("AWS managed policy {} (attached {} time(s))", policy.policy_name, policy.attachment_count);
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

    #[test]
    fn judges_attached_aws_managed_policies_only() {
        let mut role = iam_role("ops");
        role.attached_managed_policies = vec!["arn:aws:iam::aws:policy/ReadOnly".into(), "arn:aws:iam::aws:policy/Gone".into()];
        let details = AuthorizationDetails {
            roles: vec![role],
            policies: vec![
                aws_policy("AdministratorAccess", 2, Some(ADMIN_POLICY)),
                aws_policy("ReadOnly", 0, Some(READ_POLICY)), // attached per the role, count not maintained
                aws_policy("Unattached", 0, Some(ADMIN_POLICY)),
                aws_policy("Broken", 1, Some(BROKEN_POLICY)),
                aws_policy("NoDocument", 1, None),
                customer_policy("MyAdmin", 1, Some(ADMIN_POLICY)),
            ],
            ..Default::default()
        };
        let found = run(&CHECK, &account_with_details(details));
        assert_eq!(found.len(), 5, "{found:#?}");
        assert_eq!(status_of(&found, "AdministratorAccess"), Status::Fail);
        assert_eq!(status_of(&found, "ReadOnly"), Status::Pass);
        assert_eq!(status_of(&found, "Broken"), Status::Error);
        assert_eq!(status_of(&found, "NoDocument"), Status::Error);
        assert_eq!(status_of(&found, "Gone"), Status::Error);
        assert_eq!(found[0].message, "AWS managed policy AdministratorAccess (attached 2 time(s)) allows '*' on '*' (statement 1)");
        assert_eq!(found[0].resource.kind, "AwsIamPolicy");
        assert!(found[2].message.contains("malformed policy document: invalid type: integer `42`"), "{}", found[2].message);
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
