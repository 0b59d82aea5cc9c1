use crate::declare_check;
use crate::finding::{Measure, Resource, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{authorization_details, entities, judge_admin};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No inline policy of a user, group or role (`UserPolicyList`, `GroupPolicyList`,
    /// `RolePolicyList` of `GetAccountAuthorizationDetails`) allows every action on every
    /// resource: a statement `Allow` whose `Action` has a pattern matching every action
    /// (`*`, `*:*`, `*:**`, `*?*`, …; or a `NotAction` that leaves IAM allowed) and whose
    /// `Resource` has a pattern matching every ARN of the account's partition (`*`,
    /// `arn:aws:*`, `arn:aws:*:*:*:*`; or a `NotResource` that does not exclude everything).
    /// Patterns are judged by what they match, not by their text (rules in
    /// `crate::policy::analysis`). One finding per inline policy, with resource id
    /// `<user|group|role>/<name>/<policy>` and the entity's ARN. A malformed document, or a
    /// pattern too complex to decide, is an ERROR with the reason, never a PASS.
    /// ## Why it matters
    /// Inline policies are embedded in one identity and do not show up in the managed policy
    /// list, so a `*:*` grant there escapes reviews that look for `AdministratorAccess`. The
    /// holder can do anything in the account, including granting itself more.
    /// ## Remediation
    /// Replace the inline policy with a narrow managed policy attached to a group or role,
    /// then delete it: `aws iam delete-user-policy --user-name <user> --policy-name
    /// <policy>` (or `delete-group-policy`, `delete-role-policy`).
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.15
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
    pub static CHECK = {
        id: "iam_inline_policy_no_administrative_privileges",
        title: "Inline IAM policies do not allow '*:*' administrative privileges",
        measure: Measure::Access,
        severity: Severity::High,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    for entity in entities(details) {
        for policy in entity.inline_policies {
            let resource = Resource {
                id: format!("{}/{}/{}", entity.noun, entity.name, policy.policy_name),
                ..entity.resource()
            };
            let what = format!("inline policy {} of {}", policy.policy_name, entity.label());
            judge_admin(Some(&policy.policy_document), &account.partition, resource, &what, out);
        }
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
    fn judges_inline_policies_of_users_groups_and_roles() {
        let mut user = iam_user("alice");
        user.user_policies = vec![inline("admin", ADMIN_POLICY), inline("read", READ_POLICY)];
        let mut group = iam_group("ops");
        group.group_policies = vec![inline("broken", BROKEN_POLICY)];
        let mut role = iam_role("deploy");
        role.role_policies =
            vec![inline("star", r#"{"Statement": {"Effect": "Allow", "Action": "*:*", "Resource": ["*"]}}"#)];
        let details = AuthorizationDetails { users: vec![user], groups: vec![group], roles: vec![role], ..Default::default() };
        let found = run(&CHECK, &account_with_details(details));
        assert_eq!(found.len(), 4);
        assert_eq!(status_of(&found, "user/alice/admin"), Status::Fail);
        assert_eq!(status_of(&found, "user/alice/read"), Status::Pass);
        assert_eq!(status_of(&found, "group/ops/broken"), Status::Error);
        assert_eq!(status_of(&found, "role/deploy/star"), Status::Fail);
        assert_eq!(found[0].message, "inline policy admin of user alice allows '*' on '*' (statement 1)");
        assert_eq!(found[0].resource.kind, "AwsIamUser");
        assert_eq!(found[3].resource.arn.as_deref(), Some(format!("arn:aws:iam::{ACCOUNT}:role/deploy").as_str()));
        assert!(found[2].message.starts_with("inline policy broken of group ops: malformed policy document"));
    }

    #[test]
    fn wildcards_are_judged_by_what_they_match_in_the_account_partition() {
        let mut role = iam_role("sneaky");
        role.role_policies = vec![
            inline("glob", r#"{"Statement": {"Effect": "Allow", "Action": "*:*?*", "Resource": "arn:aws:*:*:*:*"}}"#),
            inline("china", r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws-cn:*"}}"#),
        ];
        let details = AuthorizationDetails { roles: vec![role], ..Default::default() };
        let found = run(&CHECK, &account_with_details(details.clone()));
        assert_eq!(status_of(&found, "role/sneaky/glob"), Status::Fail);
        assert_eq!(status_of(&found, "role/sneaky/china"), Status::Pass);
        // In an aws-cn account it is the other way round.
        let mut account = account_with_details(details);
        account.partition = "aws-cn".to_string();
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "role/sneaky/glob"), Status::Pass);
        assert_eq!(status_of(&found, "role/sneaky/china"), Status::Fail);
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
