//! KMS checks: rotation, public key policies, keys pending deletion.
//!
//! Only customer managed keys are judged. A key is AWS managed when DescribeKey says
//! `KeyManager: AWS`, **or** when one of its aliases starts with `alias/aws/`: that prefix
//! is reserved for AWS, and some emulators list their `alias/aws/*` keys with
//! `KeyManager: CUSTOMER`. When aliases cannot be listed, `KeyManager` alone decides.

use std::collections::BTreeSet;

use crate::finding::Resource;
use crate::inventory::kms::Key;
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::registry::{Check, Findings};

mod kms_cmk_not_deleted_unintentionally;
mod kms_cmk_rotation_enabled;
mod kms_key_not_publicly_accessible;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &kms_cmk_rotation_enabled::CHECK,
    &kms_key_not_publicly_accessible::CHECK,
    &kms_cmk_not_deleted_unintentionally::CHECK,
];

fn key_resource(region: &str, key: &Key) -> Resource {
    Resource { id: key.key_id.clone(), arn: Some(key.arn.clone()), kind: "AwsKmsKey", region: Some(region.to_string()) }
}

/// The customer managed keys of one region, or an ERROR finding for the region when the
/// keys could not be listed.
fn customer_keys<'a>(account: &AccountInventory, region: &str, inv: &'a RegionInventory, out: &mut Findings) -> Option<Vec<&'a Key>> {
    let keys = match &inv.kms.keys {
        Collected::Known(k) => k,
        Collected::Unknown(why) => {
            out.error(account.regional_resource(region, "AwsKmsKey"), format!("KMS keys could not be listed: {why}"));
            return None;
        }
    };
    let aws_aliased: BTreeSet<&str> = inv
        .kms
        .aliases
        .known()
        .into_iter()
        .flatten()
        .filter(|a| a.alias_name.starts_with("alias/aws/"))
        .filter_map(|a| a.target_key_id.as_deref())
        .collect();
    Some(
        keys.iter()
            .filter(|k| k.key_manager.as_deref() != Some("AWS"))
            .filter(|k| !aws_aliased.contains(k.key_id.as_str()) && !aws_aliased.contains(k.arn.as_str()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::customer_keys;
    use crate::kms::testing::*;
    use crate::registry::Findings;

    #[test]
    fn aws_managed_keys_are_recognised_by_manager_or_alias() {
        let mut aws = key("aws");
        aws.key_manager = Some("AWS".into());
        let account = account_with_keys(
            vec![key("mine"), aws, key("emulated-aws"), key("aliased")],
            vec![alias("alias/aws/ebs", "emulated-aws"), alias("alias/app", "aliased")],
        );
        let mut out = Findings::new();
        let (region, inv) = account.regions().next().unwrap();
        let keys = customer_keys(&account, region, inv, &mut out).unwrap();
        let ids: Vec<&str> = keys.iter().map(|k| k.key_id.as_str()).collect();
        assert_eq!(ids, vec!["mine", "aliased"]);
        assert!(out.recorded().is_empty());
    }
}
