use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{authorization_details, aws_managed_policy_arn, entities_with_policy};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No IAM user, group or role has the AWS managed policy `AWSCloudShellFullAccess`
    /// attached (`arn:<partition>:iam::aws:policy/AWSCloudShellFullAccess`, according to
    /// `GetAccountAuthorizationDetails`). Each holder is a FAIL on that entity; when there is
    /// none, one PASS for the account. CIS assesses this control manually; the attachment is
    /// data Rampart has, so it reports on it.
    /// ## Why it matters
    /// The policy allows uploading and downloading files to CloudShell environments and full
    /// outbound internet access from them: a ready-made channel to move data out of the
    /// account with the holder's credentials, outside the usual network controls.
    /// ## Remediation
    /// `aws iam detach-role-policy --role-name <role> --policy-arn
    /// arn:aws:iam::aws:policy/AWSCloudShellFullAccess` (or `detach-user-policy`,
    /// `detach-group-policy`). If CloudShell is needed, grant a narrower custom policy that
    /// denies `cloudshell:GetFileUploadUrls` and `cloudshell:GetFileDownloadUrls`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.21
    /// - AWS Security Hub, control IAM.27
    /// - https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html
    pub static CHECK = {
        id: "iam_policy_cloudshell_admin_not_attached",
        title: "No IAM identity has AWSCloudShellFullAccess attached",
        measure: Measure::Access,
        severity: Severity::Medium,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    let arn = aws_managed_policy_arn(account, "AWSCloudShellFullAccess");
    let holders = entities_with_policy(details, &arn);
    if holders.is_empty() {
        out.pass(account.resource(), "no user, group or role has AWSCloudShellFullAccess attached");
    }
    for entity in holders {
        out.fail(entity.resource(), format!("{} has AWSCloudShellFullAccess attached", entity.label()));
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
    fn each_holder_fails() {
        const ARN: &str = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess";
        let mut user = iam_user("alice");
        user.attached_managed_policies = vec![ARN.into()];
        let mut group = iam_group("admins");
        group.attached_managed_policies = vec![ARN.into(), "arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        let mut role = iam_role("reader");
        role.attached_managed_policies = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()];
        let details = AuthorizationDetails { users: vec![user, iam_user("bob")], groups: vec![group], roles: vec![role], ..Default::default() };
        let found = run(&CHECK, &account_with_details(details));
        assert_eq!(outcomes(&found), vec![("alice".to_string(), Status::Fail), ("admins".to_string(), Status::Fail)]);
        assert_eq!(found[1].message, "group admins has AWSCloudShellFullAccess attached");
        assert_eq!(found[1].resource.kind, "AwsIamGroup");
    }

    #[test]
    fn pass_when_nobody_has_it() {
        let details = AuthorizationDetails { users: vec![iam_user("bob")], ..Default::default() };
        assert_eq!(status_of(&run(&CHECK, &account_with_details(details)), ACCOUNT), Status::Pass);
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
