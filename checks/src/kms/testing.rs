//! Builders of KMS inventories for the checks' unit tests: keys and aliases.

use crate::inventory::kms::{Alias, Key};
use crate::inventory::{AccountInventory, Collected};
use crate::testing::{ACCOUNT, REGION, account, region};

/// An enabled customer-managed symmetric key with rotation on and a private key policy.
pub fn key(id: &str) -> Key {
    Key {
        key_id: id.to_string(),
        arn: format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        key_manager: Some("CUSTOMER".to_string()),
        key_spec: Some("SYMMETRIC_DEFAULT".to_string()),
        key_state: Some("Enabled".to_string()),
        origin: Some("AWS_KMS".to_string()),
        deletion_date: None,
        rotation_enabled: Collected::Known(Some(true)),
        policy: Collected::Known(Some(format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}, "Action": "kms:*", "Resource": "*"}}]}}"#
        ))),
    }
}

pub fn alias(name: &str, target: &str) -> Alias {
    Alias { alias_name: name.to_string(), target_key_id: Some(target.to_string()) }
}

/// An account whose region holds these keys and aliases.
pub fn account_with_keys(keys: Vec<Key>, aliases: Vec<Alias>) -> AccountInventory {
    let mut account = account();
    region(&mut account).kms.keys = Collected::Known(keys);
    region(&mut account).kms.aliases = Collected::Known(aliases);
    account
}
