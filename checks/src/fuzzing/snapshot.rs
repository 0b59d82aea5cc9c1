//! `snapshot`: arbitrary bytes as a snapshot, evaluated with every check.

use serde_json::Value;

use crate::config_file::Config;
use crate::engine::{Selection, evaluate};
use crate::finding::{Finding, Status};
use crate::inventory::Inventory;

/// The reason every turned-unknown value carries.
const REASON: &str = "fuzz: value made unknown";

/// Bytes → `Inventory` (serde); on success:
///
/// - every check runs without panicking (the engine turns a panic into an ERROR finding
///   "internal error in check …", which counts as a panic here);
/// - with every `Known` value turned `Unknown`, no finding is PASS or FAIL: a check never
///   decides on data it could not read.
pub fn snapshot(data: &[u8]) {
    let Ok(inventory) = serde_json::from_slice::<Inventory>(data) else { return };
    // The inventory as the checks saw it (serde_json skips ignored fields without checking
    // them, so the input bytes themselves need not be valid JSON text throughout).
    let value = serde_json::to_value(&inventory).expect("snapshot: an inventory that reads serialises");
    let findings = evaluate(&inventory, &Selection::default(), &Config::default());
    assert_no_internal_error(&findings, "snapshot");

    let mut unknown = value;
    unknown_everything(&mut unknown);
    let inventory: Inventory = serde_json::from_value(unknown).expect("snapshot: an inventory with every value unknown still reads");
    let findings = evaluate(&inventory, &Selection::default(), &Config::default());
    assert_no_internal_error(&findings, "snapshot (all unknown)");
    for f in &findings {
        assert!(
            !matches!(f.status, Status::Pass | Status::Fail),
            "snapshot: no PASS or FAIL on unknown data: {} {:?} on {}: {}",
            f.check.id,
            f.status,
            f.resource.id,
            f.message
        );
    }
}

fn assert_no_internal_error(findings: &[Finding], what: &str) {
    for f in findings {
        assert!(!f.message.contains("internal error in check"), "{what}: a check panicked: {}", f.message);
    }
}

/// Turns every `{"known": x}` of a serialised inventory into `{"unknown": REASON}`.
pub fn unknown_everything(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 && map.contains_key("known") {
                map.clear();
                map.insert("unknown".into(), Value::String(REASON.into()));
                return;
            }
            map.values_mut().for_each(unknown_everything);
        }
        Value::Array(items) => items.iter_mut().for_each(unknown_everything),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::testing::{account_with_report, root, user};
    use crate::inventory::AccountInventory;
    use crate::testing::now;

    /// Inventories the checks' own tests build: rich enough that most checks PASS or FAIL
    /// on them before everything is made unknown.
    fn test_accounts() -> Vec<(&'static str, AccountInventory)> {
        let mut out = Vec::new();
        out.push(("iam-report", account_with_report(&[root(), user("alice"), user("bob")])));
        let mut net = crate::ec2::testing::ec2_account();
        crate::ec2::testing::set_groups(
            &mut net,
            vec![crate::ec2::testing::sg("sg-1", vec![crate::ec2::testing::tcp(22, 22, &["0.0.0.0/0"])])],
        );
        out.push(("ec2-open-ssh", net));
        out.push(("cloudwatch-monitored", crate::cloudwatch::testing::monitored(
            "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
        )));
        out.push((
            "s3-buckets",
            crate::s3::testing::account_with_buckets(
                vec![crate::s3::testing::bucket("b")],
                crate::inventory::Collected::Known(None),
            ),
        ));
        out.push(("kms-keys", crate::kms::testing::account_with_keys(vec![crate::kms::testing::key("k1")], vec![])));
        out.push(("rds", crate::rds::testing::account_with_instances(vec![crate::rds::testing::db_instance("db1")])));
        out
    }

    fn inventory_of(account: AccountInventory) -> Vec<u8> {
        let mut inventory = Inventory::new(now());
        inventory.accounts.push(account);
        serde_json::to_vec_pretty(&inventory).unwrap()
    }

    #[test]
    fn test_inventories_decide_nothing_once_unknown() {
        for (name, account) in test_accounts() {
            let bytes = inventory_of(account);
            let inventory: Inventory = serde_json::from_slice(&bytes).unwrap();
            let decided = evaluate(&inventory, &Selection::default(), &Config::default())
                .iter()
                .filter(|f| matches!(f.status, Status::Pass | Status::Fail))
                .count();
            assert!(decided > 0, "{name}: the inventory decides something before it is made unknown");
            if let Ok(dir) = std::env::var("RAMPART_WRITE_SNAPSHOT_SEEDS") {
                std::fs::write(format!("{dir}/{name}.json"), &bytes).unwrap();
            }
            snapshot(&bytes);
        }
    }

    /// MANUAL asks a person to confirm something Rampart read; on data it could not read
    /// the answer is ERROR, so no MANUAL remains once everything is unknown either.
    #[test]
    fn nothing_is_manual_once_unknown() {
        let fixture = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/aged-account.json")).unwrap();
        let inputs = test_accounts().into_iter().map(|(_, a)| inventory_of(a)).chain([fixture]);
        for bytes in inputs {
            let mut value: Value = serde_json::from_slice(&bytes).unwrap();
            unknown_everything(&mut value);
            let inventory: Inventory = serde_json::from_value(value).unwrap();
            for f in evaluate(&inventory, &Selection::default(), &Config::default()) {
                assert_ne!(f.status, Status::Manual, "{} on {}: {}", f.check.id, f.resource.id, f.message);
            }
        }
    }

    #[test]
    fn unknown_everything_rewrites_known_values_only() {
        let mut v = serde_json::json!({"a": {"known": [1, {"known": 2}]}, "b": {"unknown": "x"}, "c": {"known": 1, "other": 2}});
        unknown_everything(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": {"unknown": REASON}, "b": {"unknown": "x"}, "c": {"known": 1, "other": 2}})
        );
    }
}
