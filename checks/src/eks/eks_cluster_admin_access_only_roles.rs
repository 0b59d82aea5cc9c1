use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

/// The access policy that makes a principal cluster admin (`cluster-admin` in RBAC).
const CLUSTER_ADMIN: &str = "AmazonEKSClusterAdminPolicy";

declare_check! {
    /// ## What it checks
    /// No EKS access entry (`ListAccessEntries`, `ListAssociatedAccessPolicies`) gives an IAM
    /// user `AmazonEKSClusterAdminPolicy`: cluster admin goes to roles, which people assume
    /// with their own identity and MFA and which leave a session name in every log. A
    /// cluster whose authentication mode is `CONFIG_MAP` has no access entries: who is admin
    /// is in the `aws-auth` ConfigMap inside the cluster, so the finding is MANUAL. With
    /// `API_AND_CONFIG_MAP` the access entries are judged and the finding says `aws-auth` may
    /// grant more. An entry whose policies cannot be read is an ERROR.
    /// ## Why it matters
    /// RBAC is a Kubernetes practice, and cluster admin is its widest grant: every secret,
    /// every node through a privileged pod. Bound to an IAM user, it rests on long-lived
    /// access keys that leak from laptops and CI logs.
    /// ## Remediation
    /// Create an access entry for a role that administrators assume
    /// (`aws eks create-access-entry --principal-arn <role>` and `aws eks
    /// associate-access-policy --policy-arn
    /// arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope
    /// type=cluster`), then `aws eks delete-access-entry` for the user.
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
    pub static CHECK = {
        id: "eks_cluster_admin_access_only_roles",
        title: "EKS cluster admin is granted to IAM roles, not users",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EksClusters, Source::EksAccessEntries],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_cluster(account, out, |_, cluster, resource, out| {
        let mode = cluster.authentication_mode.as_deref().unwrap_or("CONFIG_MAP").to_ascii_uppercase();
        if mode == "CONFIG_MAP" {
            out.manual(resource, "authentication mode CONFIG_MAP: cluster admins are named in the aws-auth ConfigMap, inside the cluster");
            return;
        }
        let entries = match &cluster.access_entries {
            Collected::Known(e) => e,
            Collected::Unknown(why) => {
                out.error(resource, format!("access entries could not be listed: {why}"));
                return;
            }
        };
        let (mut users, mut unread) = (Vec::new(), Vec::new());
        let mut admins = 0;
        for entry in entries {
            match &entry.policies {
                Collected::Unknown(why) => unread.push(format!("{}: {why}", entry.principal_arn)),
                Collected::Known(policies) => {
                    if policies.iter().any(|p| p.policy_arn.rsplit('/').next() == Some(CLUSTER_ADMIN)) {
                        admins += 1;
                        if entry.principal_arn.split(':').nth(5).is_some_and(|r| r.starts_with("user/")) {
                            users.push(entry.principal_arn.clone());
                        }
                    }
                }
            }
        }
        let aws_auth = if mode == "API_AND_CONFIG_MAP" { " (the aws-auth ConfigMap may grant more)" } else { "" };
        if !users.is_empty() {
            out.fail(resource, format!("cluster admin granted to IAM user {}{aws_auth}", users.join(", ")));
        } else if !unread.is_empty() {
            out.error(resource, format!("associated access policies could not be read for {}", unread.join("; ")));
        } else {
            out.pass(resource, format!("cluster admin granted to {admins} principal{} in access entries, none an IAM user{aws_auth}", if admins == 1 { "" } else { "s" }));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::eks::{AccessEntry, AccessPolicy};
    use crate::testing::*;

    fn entry(principal: &str, policy: &str) -> AccessEntry {
        AccessEntry {
            principal_arn: format!("arn:aws:iam::{ACCOUNT}:{principal}"),
            policies: Collected::Known(vec![AccessPolicy {
                policy_arn: format!("arn:aws:eks::aws:cluster-access-policy/{policy}"),
                scope: "cluster".into(),
            }]),
        }
    }

    #[test]
    fn pass_fail_error_manual() {
        let mut account = account();
        let with = |name: &str, mode: &str, entries: Collected<Vec<AccessEntry>>| {
            let mut c = cluster(name);
            c.authentication_mode = Some(mode.into());
            c.access_entries = entries;
            c
        };
        let mut unreadable = entry("role/ops", "AmazonEKSViewPolicy");
        unreadable.policies = denied();
        region(&mut account).eks.clusters = Collected::Known(vec![
            with("roles", "API", Collected::Known(vec![entry("role/admin", "AmazonEKSClusterAdminPolicy"), entry("user/dev", "AmazonEKSViewPolicy")])),
            with("user-admin", "API_AND_CONFIG_MAP", Collected::Known(vec![entry("user/alice", "AmazonEKSClusterAdminPolicy")])),
            with("configmap", "CONFIG_MAP", Collected::Known(vec![])),
            with("unread", "API", Collected::Known(vec![unreadable])),
            with("unlisted", "API", denied()),
        ]);
        let found = run(&CHECK, &account);
        use Status::*;
        assert_eq!(outcomes(&found).into_iter().map(|(_, s)| s).collect::<Vec<_>>(), [Pass, Fail, Manual, Error, Error]);
        assert_eq!(found[1].message, "cluster admin granted to IAM user arn:aws:iam::123456789012:user/alice (the aws-auth ConfigMap may grant more)");
    }
}
