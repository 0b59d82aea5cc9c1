//! KMS collector, one region: keys with their metadata, rotation status and key policy; aliases.

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
use rampart_checks::Collected;
use rampart_checks::inventory::kms::{Alias, Key, KmsInventory};

use futures::StreamExt;

use rampart_checks::inventory::{Plan, Source, Unavailable};

use super::{PER_RESOURCE_CONCURRENCY, read, to_chrono};
use crate::aws::read;

/// The reads of `plan`'s KMS sources, one region.
pub async fn collect(client: &Client, plan: &Plan) -> KmsInventory {
    let (keys, aliases) =
        tokio::join!(read(plan, Source::KmsKeys, keys(client, plan)), read(plan, Source::KmsAliases, aliases(client)));
    KmsInventory { keys, aliases }
}

async fn aliases(client: &Client) -> Collected<Vec<Alias>> {
    read::items("kms:ListAliases", client.list_aliases().into_paginator().items().send(), |a| Alias {
        alias_name: a.alias_name().unwrap_or_default().to_string(),
        target_key_id: a.target_key_id().map(str::to_string),
    })
    .await
}

async fn keys(client: &Client, plan: &Plan) -> Collected<Vec<Key>> {
    let ids = read::all("kms:ListKeys", client.list_keys().into_paginator().items().send(), |k| k.key_id().unwrap_or_default().to_string());
    let ids = match ids.await {
        Ok(ids) => ids,
        Err(why) => return Collected::Unknown(why),
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
    let meta = match read::call("kms:DescribeKey", client.describe_key().key_id(&id).send()).await {
        Ok(out) => out.key_metadata().cloned(),
        // One unreadable key must not hide the others: record what is known.
        Err(why) => {
            fn unknown<T>(plan: &Plan, source: Source, why: &Unavailable) -> Collected<T> {
                if plan.reads(source) { Collected::Unknown(why.clone()) } else { Collected::default() }
            }
            return Some(Key {
                key_id: id.clone(),
                arn: id,
                key_manager: None,
                key_spec: None,
                key_state: None,
                key_usage: None,
                origin: None,
                multi_region: None,
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
            read::value("kms:GetKeyRotationStatus", client.get_key_rotation_status().key_id(&id).send(), |out| {
                Some(out.key_rotation_enabled())
            })
            .await
        }),
        read(
            plan,
            Source::KmsKeyPolicies,
            read::value("kms:GetKeyPolicy", client.get_key_policy().key_id(&id).policy_name("default").send(), |out| {
                out.policy().map(str::to_string)
            })
        )
    );
    Some(Key {
        key_id: meta.key_id().to_string(),
        arn: meta.arn().unwrap_or(&id).to_string(),
        key_manager: meta.key_manager().map(|m| m.as_str().to_string()),
        key_spec: meta.key_spec().map(|s| s.as_str().to_string()),
        key_state: meta.key_state().map(|s| s.as_str().to_string()),
        key_usage: meta.key_usage().map(|u| u.as_str().to_string()),
        origin: meta.origin().map(|o| o.as_str().to_string()),
        multi_region: meta.multi_region(),
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
