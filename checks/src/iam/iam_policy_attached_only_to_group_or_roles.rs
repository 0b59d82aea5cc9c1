use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{authorization_details, entities};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user has policies of its own: no attached managed policy and no inline policy
    /// (`GetAccountAuthorizationDetails`). Users should receive permissions only through the
    /// groups they belong to (or roles they assume). One finding per user; a FAIL names the
    /// policies.
    /// ## Why it matters
    /// Permissions granted user by user drift apart and are hard to review: nobody can say
    /// what "a developer" may do, and leavers keep rights nobody remembers granting. With
    /// groups, access follows a role in the organisation and is granted or removed in one
    /// place.
    /// ## Remediation
    /// Create groups for the job functions, attach the policies to them, add the users
    /// (`aws iam add-user-to-group`), then remove the user's own policies:
    /// `aws iam detach-user-policy --user-name <user> --policy-arn <arn>` and
    /// `aws iam delete-user-policy --user-name <user> --policy-name <name>`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.14
    /// - AWS Security Hub, control IAM.2
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html
    pub static CHECK = {
        id: "iam_policy_attached_only_to_group_or_roles",
        title: "IAM users receive permissions only through groups",
        measure: Measure::Access,
        severity: Severity::Low,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    for user in entities(details).into_iter().filter(|e| e.noun == "user") {
        let mut own = Vec::new();
        if !user.attached_managed_policies.is_empty() {
            let names: Vec<&str> =
                user.attached_managed_policies.iter().map(|arn| arn.rsplit('/').next().unwrap_or(arn)).collect();
            own.push(format!("attached {}", names.join(", ")));
        }
        if !user.inline_policies.is_empty() {
            let names: Vec<&str> = user.inline_policies.iter().map(|p| p.policy_name.as_str()).collect();
            own.push(format!("inline {}", names.join(", ")));
        }
        if own.is_empty() {
            out.pass(user.resource(), "no policies of its own");
        } else {
            out.fail(user.resource(), format!("policies granted directly to the user: {}", own.join("; ")));
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
    fn users_with_own_policies_fail() {
        let grouped = iam_user("grouped");
        let mut attached = iam_user("attached");
        attached.attached_managed_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        let mut both = iam_user("both");
        both.attached_managed_policies = vec![format!("arn:aws:iam::{ACCOUNT}:policy/team/Deploy")];
        both.user_policies = vec![inline("extra", READ_POLICY)];
        let mut group = iam_group("devs");
        group.attached_managed_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        let mut role = iam_role("app");
        role.role_policies = vec![inline("app", READ_POLICY)];
        let details =
            AuthorizationDetails { users: vec![grouped, attached, both], groups: vec![group], roles: vec![role], ..Default::default() };
        let found = run(&CHECK, &account_with_details(details));
        assert_eq!(found.len(), 3, "only users are judged");
        assert_eq!(status_of(&found, "grouped"), Status::Pass);
        assert_eq!(status_of(&found, "attached"), Status::Fail);
        assert_eq!(status_of(&found, "both"), Status::Fail);
        assert_eq!(found[2].message, "policies granted directly to the user: attached Deploy; inline extra");
        assert_eq!(found[2].resource.kind, "AwsIamUser");
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
