use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EKS cluster encrypts Kubernetes secrets with a KMS key of the account (envelope
    /// encryption): an `encryptionConfig` of `DescribeCluster` with a provider key. EKS now
    /// encrypts all Kubernetes API data by default with a key AWS owns; only a provider key
    /// puts reading secrets under the account's key policy, grants and CloudTrail.
    /// ## Why it matters
    /// Secrets in etcd — service account tokens, database passwords, TLS keys — are then
    /// encrypted with a data key that a KMS key the account controls protects: reading them
    /// from an etcd backup or snapshot needs that key, and each use is logged.
    /// ## Remediation
    /// `aws eks associate-encryption-config --cluster-name <name> --encryption-config
    /// '[{"resources":["secrets"],"provider":{"keyArn":"<key>"}}]'` (it cannot be undone), then
    /// rewrite the existing secrets (`kubectl get secrets -A -o json | kubectl replace -f -`).
    /// ## References
    /// - AWS Security Hub, control EKS.3
    /// - https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
    pub static CHECK = {
        id: "eks_cluster_kms_cmk_encryption_in_secrets_enabled",
        title: "EKS clusters encrypt Kubernetes secrets with KMS",
        measure: Measure::Encryption,
        severity: Severity::Medium,
        reads: [Source::EksClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_cluster(account, out, |_, cluster, resource, out| match &cluster.secrets_kms_key {
        Some(key) => out.pass(resource, format!("secrets encrypted with {key}")),
        None => out.fail(resource, "no KMS key of the account encrypts Kubernetes secrets (envelope encryption is not configured)"),
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let mut plain = cluster("plain");
        plain.secrets_kms_key = None;
        region(&mut account).eks.clusters = Collected::Known(vec![cluster("sealed"), plain]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "sealed"), Status::Pass);
        assert_eq!(status_of(&found, "plain"), Status::Fail);
        region(&mut account).eks.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
