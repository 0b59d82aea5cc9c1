//! KMS collector, one region: keys with their metadata, rotation status and key policy; aliases.

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
use rampart_checks::Collected;
use rampart_checks::inventory::kms::{Alias, Key, KmsInventory};

use futures::StreamExt;

use rampart_checks::inventory::{Plan, Source, Unavailable};

use super::{PER_RESOURCE_CONCURRENCY, read, to_chrono};
use crate::aws::error::describe;

/// The reads of `plan`'s KMS sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> KmsInventory {
    let (keys, aliases) =
        tokio::join!(read(plan, Source::KmsKeys, keys(client, plan)), read(plan, Source::KmsAliases, aliases(client)));
    KmsInventory { keys, aliases }
}

async fn aliases(client: &Client) -> Collected<Vec<Alias>> {
    collect_items!("kms:ListAliases", client.list_aliases().into_paginator(), |a: aws_sdk_kms::types::AliasListEntry| Alias {
        alias_name: a.alias_name().unwrap_or_default().to_string(),
        target_key_id: a.target_key_id().map(str::to_string),
    })
}

async fn keys(client: &Client, plan: &Plan) -> Collected<Vec<Key>> {
    let ids = collect_items!("kms:ListKeys", client.list_keys().into_paginator(), |k: aws_sdk_kms::types::KeyListEntry| k
        .key_id()
        .unwrap_or_default()
        .to_string());
    let ids = match ids {
        Collected::Known(ids) => ids,
        Collected::Unknown(why) => return Collected::Unknown(why),
    };
    // DescribeKey, then rotation status and key policy, per key: a few keys at a time.
    let keys = futures::stream::iter(ids)
        .map(|id| key(client, id, plan))
        .buffered(PER_RESOURCE_CONCURRENCY)
        .filter_map(|k| async move { k })
        .collect::<Vec<_>>()
        .await;
    Collected::Known(keys)
}

/// One key's metadata, rotation status and policy; `None` for a key that vanished between
/// ListKeys and DescribeKey.
async fn key(client: &Client, id: String, plan: &Plan) -> Option<Key> {
    let meta = match client.describe_key().key_id(&id).send().await {
        Ok(out) => out.key_metadata().cloned(),
        Err(e) => {
            // One unreadable key must not hide the others: record what is known.
            let why = describe("kms:DescribeKey", &e);
            fn unknown<T>(plan: &Plan, source: Source, why: &Unavailable) -> Collected<T> {
                if plan.reads(source) { Collected::Unknown(why.clone()) } else { Collected::default() }
            }
            return Some(Key {
                key_id: id.clone(),
                arn: id,
                key_manager: None,
                key_spec: None,
                key_state: None,
                origin: None,
                deletion_date: None,
                rotation_enabled: unknown(plan, Source::KmsKeyRotation, &why),
                policy: unknown(plan, Source::KmsKeyPolicies, &why),
            });
        }
    };
    let meta = meta?;
    let customer = meta.key_manager() == Some(&KeyManagerType::Customer);
    let symmetric = meta.key_spec() == Some(&KeySpec::SymmetricDefault);
    let enabled = meta.key_state() == Some(&KeyState::Enabled);
    let (rotation_enabled, policy) = tokio::join!(
        read(plan, Source::KmsKeyRotation, async {
            if !(customer && symmetric && enabled) {
                return Collected::Known(None);
            }
            match client.get_key_rotation_status().key_id(&id).send().await {
                Ok(out) => Collected::Known(Some(out.key_rotation_enabled())),
                Err(e) => Collected::Unknown(describe("kms:GetKeyRotationStatus", &e)),
            }
        }),
        read(plan, Source::KmsKeyPolicies, async {
            match client.get_key_policy().key_id(&id).policy_name("default").send().await {
                Ok(out) => Collected::Known(out.policy().map(str::to_string)),
                Err(e) => Collected::Unknown(describe("kms:GetKeyPolicy", &e)),
            }
        })
    );
    Some(Key {
        key_id: meta.key_id().to_string(),
        arn: meta.arn().unwrap_or(&id).to_string(),
        key_manager: meta.key_manager().map(|m| m.as_str().to_string()),
        key_spec: meta.key_spec().map(|s| s.as_str().to_string()),
        key_state: meta.key_state().map(|s| s.as_str().to_string()),
        origin: meta.origin().map(|o| o.as_str().to_string()),
        deletion_date: meta.deletion_date().and_then(to_chrono),
        rotation_enabled,
        policy,
    })
}

/// The table's entry: the KMS reads the plan holds, in one region (one unit of progress).
pub(super) fn regional<'a>(session: &'a crate::aws::Session, region: &'a str, plan: &'a Plan) -> super::RegionalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&session.kms(region), plan)).await;
        Box::new(move |inv: &mut rampart_checks::inventory::RegionInventory| inv.kms = read) as super::Apply<_>
    })
}
