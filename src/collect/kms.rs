//! KMS collector, one region: keys with their metadata, rotation status and key policy; aliases.

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
use rampart_checks::Collected;
use rampart_checks::inventory::kms::{Alias, Key, KmsInventory};

use futures::StreamExt;

use rampart_checks::inventory::{Plan, Source, Unavailable};

use super::{PER_RESOURCE_CONCURRENCY, read, to_chrono};
use crate::aws::{client, read};

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
            read::value("kms:GetKeyRotationStatus", client.get_key_rotation_status().key_id(&id).send(), |out| {
                Some(out.key_rotation_enabled())
            })
            .await
        }),
        read(plan, Source::KmsKeyPolicies, async {
            // An AWS managed key's policy is AWS's, the same in every account, and no check
            // judges it: not read (one request per key saved).
            if meta.key_manager() == Some(&KeyManagerType::Aws) {
                return Collected::default();
            }
            read::value("kms:GetKeyPolicy", client.get_key_policy().key_id(&id).policy_name("default").send(), |out| {
                out.policy().map(str::to_string)
            })
            .await
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
        let read = crate::progress::track(collect(&client!(session, aws_sdk_kms, "kms", region), plan)).await;
        Box::new(move |inv: &mut rampart_checks::inventory::RegionInventory| inv.kms = read) as super::Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use rampart_checks::Collected;
    use rampart_checks::inventory::kms::{Alias, Key};
    use rampart_checks::inventory::{Cause, Source};

    use super::regional;
    use crate::collect::testing::{Answer, Protocol, Request, Stub, json, known, plan, unknown};

    const EVERY: &[Source] = &[Source::KmsKeys, Source::KmsKeyRotation, Source::KmsKeyPolicies, Source::KmsAliases];

    fn metadata(id: &str, manager: &str) -> String {
        format!(
            r#"{{"KeyMetadata":{{"KeyId":"{id}","Arn":"arn:aws:kms:us-east-1:123456789012:key/{id}","KeyManager":"{manager}",
            "KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","Origin":"AWS_KMS","MultiRegion":false}}}}"#
        )
    }

    /// A customer key `cmk` and an AWS managed key `aws`.
    fn answer(r: &Request) -> Answer {
        let about = |id: &str| r.body.contains(&format!(r#""KeyId":"{id}""#));
        match r.action.as_str() {
            "ListKeys" => {
                json(r#"{"Keys":[{"KeyId":"cmk","KeyArn":"arn:aws:kms:us-east-1:123456789012:key/cmk"},{"KeyId":"aws"}]}"#)
            }
            "ListAliases" => json(
                r#"{"Aliases":[{"AliasName":"alias/app","AliasArn":"arn:aws:kms:us-east-1:123456789012:alias/app","TargetKeyId":"cmk"},
                {"AliasName":"alias/unused"}]}"#,
            ),
            "DescribeKey" if about("cmk") => json(&metadata("cmk", "CUSTOMER")),
            "DescribeKey" if about("aws") => json(&metadata("aws", "AWS")),
            "GetKeyRotationStatus" if about("cmk") => json(r#"{"KeyRotationEnabled":true}"#),
            "GetKeyPolicy" => json(r#"{"Policy":"{\"Version\":\"2012-10-17\"}","PolicyName":"default"}"#),
            other => panic!("unexpected {other}: {}", r.body),
        }
    }

    fn key(id: &str, manager: &str, rotation_enabled: Collected<Option<bool>>, policy: Collected<Option<String>>) -> Key {
        Key {
            key_id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:123456789012:key/{id}"),
            key_manager: Some(manager.into()),
            key_spec: Some("SYMMETRIC_DEFAULT".into()),
            key_state: Some("Enabled".into()),
            origin: Some("AWS_KMS".into()),
            deletion_date: None,
            rotation_enabled,
            policy,
        }
    }

    #[tokio::test]
    async fn keys_are_read_with_rotation_and_policy_and_aliases() {
        let stub = Stub::start(answer).await;
        let inv = stub.regional(regional, &plan(EVERY)).await;
        let policy = || Collected::Known(Some(r#"{"Version":"2012-10-17"}"#.to_string()));
        assert_eq!(known(&inv.kms.keys), &[
            key("cmk", "CUSTOMER", Collected::Known(Some(true)), policy()),
            // Rotation is not asked of an AWS managed key (AWS rotates it), nor its policy
            // (AWS writes it, and no check judges it).
            key("aws", "AWS", Collected::Known(None), Collected::default()),
        ]);
        assert_eq!(known(&inv.kms.aliases), &[
            Alias { alias_name: "alias/app".into(), target_key_id: Some("cmk".into()) },
            Alias { alias_name: "alias/unused".into(), target_key_id: None },
        ]);
        assert_eq!(stub.actions().iter().filter(|a| *a == "GetKeyRotationStatus").count(), 1);
        assert_eq!(stub.actions().iter().filter(|a| *a == "GetKeyPolicy").count(), 1);
    }

    #[tokio::test]
    async fn denied_listings_are_unknown_with_the_reason() {
        let stub = Stub::start(|r| Protocol::Json.denied(&format!("kms:{}", r.action))).await;
        let inv = stub.regional(regional, &plan(EVERY)).await;
        assert_eq!(unknown(&inv.kms.keys), (
            Cause::Denied,
            "kms:ListKeys access denied: AccessDeniedException: not authorized to perform: kms:ListKeys"
        ));
        assert_eq!(unknown(&inv.kms.aliases), (
            Cause::Denied,
            "kms:ListAliases access denied: AccessDeniedException: not authorized to perform: kms:ListAliases"
        ));
        assert!(!stub.actions().contains(&"DescribeKey".to_string()));
    }

    #[tokio::test]
    async fn a_key_that_cannot_be_described_keeps_its_place_with_the_reason() {
        let stub = Stub::start(|r| {
            if r.action == "DescribeKey" && r.body.contains(r#""KeyId":"aws""#) {
                Protocol::Json.denied("kms:DescribeKey")
            } else {
                answer(r)
            }
        })
        .await;
        let inv = stub.regional(regional, &plan(EVERY)).await;
        let keys = known(&inv.kms.keys);
        assert_eq!(keys[0].rotation_enabled, Collected::Known(Some(true)));
        let denied = (Cause::Denied, "kms:DescribeKey access denied: AccessDeniedException: not authorized to perform: kms:DescribeKey");
        assert_eq!((keys[1].key_id.as_str(), keys[1].arn.as_str(), keys[1].key_manager.as_deref()), ("aws", "aws", None));
        assert_eq!(unknown(&keys[1].rotation_enabled), denied);
        assert_eq!(unknown(&keys[1].policy), denied);
    }

    #[tokio::test]
    async fn a_throttled_policy_is_unknown_for_that_key_only() {
        // Two customer keys: `aws` is one here.
        let stub = Stub::start(|r| match r.action.as_str() {
            "GetKeyPolicy" if r.body.contains(r#""KeyId":"cmk""#) => Protocol::Json.throttled(),
            "DescribeKey" if r.body.contains(r#""KeyId":"aws""#) => json(&metadata("aws", "CUSTOMER")),
            "GetKeyRotationStatus" => json(r#"{"KeyRotationEnabled":true}"#),
            _ => answer(r),
        })
        .await;
        let inv = stub.regional(regional, &plan(EVERY)).await;
        let keys = known(&inv.kms.keys);
        assert_eq!(unknown(&keys[0].policy), (
            Cause::Throttled,
            "kms:GetKeyPolicy throttled after every retry: ThrottlingException: Rate exceeded"
        ));
        assert!(keys[1].policy.known().is_some());
    }

    #[tokio::test]
    async fn per_key_reads_outside_the_plan_are_not_sent() {
        let stub = Stub::start(answer).await;
        let inv = stub.regional(regional, &plan(&[Source::KmsKeys])).await;
        let keys = known(&inv.kms.keys);
        assert_eq!(unknown(&keys[0].rotation_enabled).0, Cause::NotCollected);
        assert_eq!(unknown(&keys[0].policy).0, Cause::NotCollected);
        assert_eq!(unknown(&inv.kms.aliases).0, Cause::NotCollected);
        let mut actions = stub.actions();
        actions.sort();
        assert_eq!(actions, ["DescribeKey", "DescribeKey", "ListKeys"]);
    }
}
