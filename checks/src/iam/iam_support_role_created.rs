use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::policy::iam::{authorization_details, aws_managed_policy_arn, entities_with_policy};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Some IAM entity — a role, as CIS recommends, or a group or user — has the AWS managed
    /// policy `AWSSupportAccess` attached (`arn:<partition>:iam::aws:policy/AWSSupportAccess`,
    /// in the account's partition), according to `GetAccountAuthorizationDetails`. One
    /// finding for the account; the PASS names the entities.
    /// ## Why it matters
    /// During an incident someone has to open and follow AWS Support cases. Without a
    /// prepared role, that means using the root user or granting broad rights in a hurry.
    /// A dedicated role keeps support access least-privilege and auditable.
    /// ## Remediation
    /// `aws iam create-role --role-name aws-support --assume-role-policy-document
    /// file://trust.json` (trusting the people or identity provider who handle incidents),
    /// then `aws iam attach-role-policy --role-name aws-support --policy-arn
    /// arn:aws:iam::aws:policy/AWSSupportAccess`.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.16
    /// - AWS Security Hub, control IAM.18
    /// - https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html
    pub static CHECK = {
        id: "iam_support_role_created",
        title: "A support role with AWSSupportAccess exists",
        measure: Measure::Access,
        severity: Severity::Low,
        reads: [Source::AuthorizationDetails],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let Some(details) = authorization_details(account, out) else { return };
    let arn = aws_managed_policy_arn(account, "AWSSupportAccess");
    let holders = entities_with_policy(details, &arn);
    if holders.is_empty() {
        out.fail(account.resource(), format!("no user, group or role has {arn} attached"));
    } else {
        let names: Vec<String> = holders.iter().map(|e| e.label()).collect();
        out.pass(account.resource(), format!("AWSSupportAccess attached to {}", names.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::iam::AuthorizationDetails;
    use crate::testing::*;

    fn with_role_policy(partition_arn: &str) -> AuthorizationDetails {
        let mut role = iam_role("support");
        role.attached_managed_policies = vec![partition_arn.to_string()];
        AuthorizationDetails { roles: vec![role], users: vec![iam_user("alice")], ..Default::default() }
    }

    #[test]
    fn pass_when_attached_fail_otherwise() {
        let found = run(&CHECK, &account_with_details(with_role_policy("arn:aws:iam::aws:policy/AWSSupportAccess")));
        assert_eq!(status_of(&found, ACCOUNT), Status::Pass);
        assert_eq!(found[0].message, "AWSSupportAccess attached to role support");

        let found = run(&CHECK, &account_with_details(AuthorizationDetails::default()));
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert_eq!(found[0].message, "no user, group or role has arn:aws:iam::aws:policy/AWSSupportAccess attached");
    }

    #[test]
    fn uses_the_account_partition() {
        let mut account = account_with_details(with_role_policy("arn:aws:iam::aws:policy/AWSSupportAccess"));
        account.partition = "aws-cn".into();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
        let mut account = account_with_details(with_role_policy("arn:aws-cn:iam::aws:policy/AWSSupportAccess"));
        account.partition = "aws-cn".into();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn error_when_details_unknown() {
        let mut account = account_with_details(AuthorizationDetails::default());
        account.iam.authorization_details = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
