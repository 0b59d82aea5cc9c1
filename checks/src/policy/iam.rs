//! Helpers shared by the IAM checks that read `GetAccountAuthorizationDetails`: the
//! entities (users, groups, roles) with their attached and inline policies, and the
//! verdict on one policy document.

use std::collections::BTreeSet;

use crate::finding::Resource;
use crate::inventory::AccountInventory;
use crate::inventory::iam::{AuthorizationDetails, InlinePolicy, ManagedPolicyDetail};
use crate::registry::Findings;

/// The authorization details, or an ERROR finding on the account saying why they are missing.
pub fn authorization_details<'a>(account: &'a AccountInventory, out: &mut Findings) -> Option<&'a AuthorizationDetails> {
    match account.iam.authorization_details.as_result() {
        Ok(details) => Some(details),
        Err(why) => {
            out.error(account.resource(), format!("IAM authorization details could not be read: {why}"));
            None
        }
    }
}

/// A user, group or role with its policies.
#[derive(Debug, Clone, Copy)]
pub struct Entity<'a> {
    /// `user`, `group` or `role`.
    pub noun: &'static str,
    /// ASFF type: `AwsIamUser`, `AwsIamGroup`, `AwsIamRole`.
    pub kind: &'static str,
    pub name: &'a str,
    pub arn: &'a str,
    pub attached_managed_policies: &'a [String],
    pub inline_policies: &'a [InlinePolicy],
}

impl Entity<'_> {
    pub fn resource(&self) -> Resource {
        Resource { id: self.name.to_string(), arn: Some(self.arn.to_string()), kind: self.kind, region: None }
    }

    /// `user alice`, `role admin`.
    pub fn label(&self) -> String {
        format!("{} {}", self.noun, self.name)
    }
}

/// Every user, then every group, then every role.
pub fn entities(details: &AuthorizationDetails) -> Vec<Entity<'_>> {
    let users = details.users.iter().map(|u| Entity {
        noun: "user",
        kind: "AwsIamUser",
        name: &u.user_name,
        arn: &u.arn,
        attached_managed_policies: &u.attached_managed_policies,
        inline_policies: &u.user_policies,
    });
    let groups = details.groups.iter().map(|g| Entity {
        noun: "group",
        kind: "AwsIamGroup",
        name: &g.group_name,
        arn: &g.arn,
        attached_managed_policies: &g.attached_managed_policies,
        inline_policies: &g.group_policies,
    });
    let roles = details.roles.iter().map(|r| Entity {
        noun: "role",
        kind: "AwsIamRole",
        name: &r.role_name,
        arn: &r.arn,
        attached_managed_policies: &r.attached_managed_policies,
        inline_policies: &r.role_policies,
    });
    users.chain(groups).chain(roles).collect()
}

/// The ARN of an AWS managed policy in the account's partition.
pub fn aws_managed_policy_arn(account: &AccountInventory, name: &str) -> String {
    format!("arn:{}:iam::aws:policy/{name}", account.partition)
}

/// The entities that have `policy_arn` attached.
pub fn entities_with_policy<'a>(details: &'a AuthorizationDetails, policy_arn: &str) -> Vec<Entity<'a>> {
    entities(details)
        .into_iter()
        .filter(|e| e.attached_managed_policies.iter().any(|a| a == policy_arn))
        .collect()
}

/// The managed policies of one kind (AWS managed or customer managed) that are attached:
/// `AttachmentCount > 0`, or named in some entity's attached policies (emulators do not
/// always count attachments). Also returns the ARNs that entities have attached but whose
/// policy (and document) is not in the details: those cannot be judged.
pub fn attached_policies(details: &AuthorizationDetails, aws_managed: bool) -> (Vec<&ManagedPolicyDetail>, Vec<&str>) {
    let attached: BTreeSet<&str> = entities(details)
        .iter()
        .flat_map(|e| e.attached_managed_policies.iter().map(String::as_str))
        .filter(|arn| arn.contains(":iam::aws:policy/") == aws_managed)
        .collect();
    let policies: Vec<&ManagedPolicyDetail> = details
        .policies
        .iter()
        .filter(|p| p.is_aws_managed() == aws_managed)
        .filter(|p| p.attachment_count > 0 || attached.contains(p.arn.as_str()))
        .collect();
    let missing = attached.into_iter().filter(|arn| !details.policies.iter().any(|p| p.arn == *arn)).collect();
    (policies, missing)
}

/// A policy known only by its ARN as the resource of a finding.
pub fn policy_arn_resource(arn: &str) -> Resource {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    Resource { id: name.to_string(), arn: Some(arn.to_string()), kind: "AwsIamPolicy", region: None }
}

/// A managed policy as the resource of a finding.
pub fn policy_resource(policy: &ManagedPolicyDetail) -> Resource {
    Resource { id: policy.policy_name.clone(), arn: Some(policy.arn.clone()), kind: "AwsIamPolicy", region: None }
}

/// Records PASS, FAIL or ERROR for one policy document on the question "does it grant
/// `*` on `*`?" (every action on every resource of `partition`). `None` (no document), a
/// malformed document and a pattern too complex to decide are ERROR, never PASS.
pub fn judge_admin(document: Option<&str>, partition: &str, resource: Resource, what: &str, out: &mut Findings) {
    let Some(text) = document else {
        out.error(resource, format!("{what}: no policy document was returned"));
        return;
    };
    match super::parse(text) {
        Err(e) => out.error(resource, format!("{what}: {e}")),
        Ok(doc) => match doc.full_admin_statements(partition) {
            Err(e) => out.error(resource, format!("{what}: {e}")),
            Ok(admin) if admin.is_empty() => {
                out.pass(resource, format!("{what} does not allow '*' on '*'"));
            }
            Ok(admin) => out.fail(resource, format!("{what} allows '*' on '*' ({})", super::join_refs(&admin))),
        },
    }
}
