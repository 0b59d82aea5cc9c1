use super::{customer_keys, key_resource};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::policy::{self, join_refs};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No customer managed KMS key has a public key policy (`GetKeyPolicy`, policy
    /// `default`): no `Allow` statement to `"*"` / `{"AWS": "*"}` (or with `NotPrincipal`)
    /// that is not restricted by a condition such as `kms:CallerAccount`, `kms:ViaService`,
    /// `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` with specific values
    /// (the full list and rules are in `crate::policy::analysis`; a wildcard value does not
    /// restrict). `aws:SourceIp` is judged as a set of addresses: `IpAddress` restricts only
    /// when its ranges together leave part of the public internet out in both IPv4 and IPv6
    /// (`0.0.0.0/1` + `128.0.0.0/1` is everyone), `NotIpAddress` only when its ranges cover
    /// the whole public internet, and a malformed address never restricts. AWS managed keys
    /// are skipped. A policy that cannot be read or parsed is an
    /// ERROR with the reason.
    /// ## Why it matters
    /// A key policy is the primary control over a KMS key: IAM policies in the account only
    /// work because the key policy allows them. A public key policy lets any AWS account use
    /// the key — to decrypt data encrypted under it, or to change its policy when
    /// `kms:PutKeyPolicy` is granted. This is access control, hence the `access` measure.
    /// ## Remediation
    /// Replace the public principal with the accounts or roles that need the key, or add a
    /// condition (`kms:CallerAccount`, `aws:PrincipalOrgID`), then
    /// `aws kms put-key-policy --key-id <key> --policy-name default --policy file://policy.json`.
    /// ## References
    /// - AWS Security Hub, control KMS.5
    /// - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
    /// - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
    pub static CHECK = {
        id: "kms_key_not_publicly_accessible",
        title: "KMS key policies do not allow public access",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::KmsKeys, Source::KmsAliases, Source::KmsKeyPolicies],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(keys) = customer_keys(account, region, inv, out) else { continue };
        for key in keys {
            let resource = key_resource(region, key);
            let text = match &key.policy {
                Collected::Unknown(why) => {
                    out.error(resource, format!("key policy could not be read: {why}"));
                    continue;
                }
                Collected::Known(None) => {
                    out.error(resource, "GetKeyPolicy returned no policy document");
                    continue;
                }
                Collected::Known(Some(text)) => text,
            };
            match policy::parse(text) {
                Err(e) => out.error(resource, format!("key policy: {e}")),
                Ok(doc) => {
                    let public = doc.public_statements();
                    if public.is_empty() {
                        out.pass(resource, "key policy grants no public access");
                    } else {
                        out.fail(resource, format!("key policy {} allows everyone", join_refs(&public)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::inventory::kms::Key;
    use crate::kms::testing::*;
    use crate::testing::*;

    fn with_policy(id: &str, policy: &str) -> Key {
        let mut k = key(id);
        k.policy = Collected::Known(Some(policy.to_string()));
        k
    }

    const PUBLIC: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt", "Resource": "*"}]}"#;
    const CALLER_ACCOUNT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}}]}"#;
    const WILDCARD_ACCOUNT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "kms:*", "Resource": "*", "Condition": {"StringLike": {"kms:CallerAccount": "*"}}}]}"#;

    #[test]
    fn pass_fail_error_per_key() {
        let mut unreadable = key("unreadable");
        unreadable.policy = denied();
        let mut missing = key("missing");
        missing.policy = Collected::Known(None);
        let mut aws = with_policy("aws", PUBLIC);
        aws.key_manager = Some("AWS".into());
        let account = account_with_keys(
            vec![
                key("private"),
                with_policy("public", PUBLIC),
                with_policy("caller-account", CALLER_ACCOUNT),
                with_policy("wildcard", WILDCARD_ACCOUNT),
                with_policy("broken", r#"{"Statement": {"Effect": "Allow", "Principal": "everyone"}}"#),
                unreadable,
                missing,
                aws,
            ],
            Vec::new(),
        );
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 7);
        assert_eq!(status_of(&found, "private"), Status::Pass);
        assert_eq!(status_of(&found, "public"), Status::Fail);
        assert_eq!(status_of(&found, "caller-account"), Status::Pass);
        assert_eq!(status_of(&found, "wildcard"), Status::Fail);
        assert_eq!(status_of(&found, "broken"), Status::Error);
        assert_eq!(status_of(&found, "unreadable"), Status::Error);
        assert_eq!(status_of(&found, "missing"), Status::Error);
        assert_eq!(found[1].message, "key policy statement 1 (Sid \"Open\") allows everyone");
        assert!(found[4].message.starts_with("key policy: malformed policy document: invalid value"), "{}", found[4].message);
    }

    #[test]
    fn source_ip_halves_of_the_internet_are_public() {
        let by_ip = |ips: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                    "Condition": {{"IpAddress": {{"aws:SourceIp": {ips}}}}}}}]}}"#
            )
        };
        let account = account_with_keys(
            vec![
                with_policy("halves", &by_ip(r#"["0.0.0.0/1", "128.0.0.0/1"]"#)),
                with_policy("office", &by_ip(r#"["198.51.100.0/24"]"#)),
                with_policy("garbage", &by_ip(r#"["198.51.100.0/24", "office"]"#)),
            ],
            Vec::new(),
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "halves"), Status::Fail);
        assert_eq!(status_of(&found, "office"), Status::Pass);
        assert_eq!(status_of(&found, "garbage"), Status::Fail);
    }

    #[test]
    fn error_when_keys_unknown() {
        let mut account = account();
        region(&mut account).kms.keys = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/eu-west-1")), Status::Error);
    }
}
