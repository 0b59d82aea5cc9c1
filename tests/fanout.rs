//! An organization audited in shares and merged, against the emulator that scripts/test.sh
//! starts: an organization of four accounts (moto keeps one per account id), one member with
//! a strong password policy. `audit --org --shard I/3` for each share writes its report to an
//! emulator bucket; every account is in exactly one share; `rampart merge` of the bucket's
//! prefix gives the findings and scores the unsharded `audit --org` gives, in every format;
//! an account no report covers is ERROR.

mod common;

use std::collections::BTreeSet;

use common::organization::{Organization, endpoint};
use common::{rampart, run};
use serde_json::Value;

const CHECKS: &str = "iam_password_policy_minimum_length_14,iam_password_policy_reuse_24,iam_root_mfa_enabled";

impl Organization {
    /// `rampart` with the management account's credentials and the emulator.
    fn rampart(&self) -> assert_cmd::Command {
        let mut cmd = rampart();
        cmd.env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_SESSION_TOKEN", &self.token)
            .args(["--quiet"]);
        cmd
    }

    fn audit(&self) -> assert_cmd::Command {
        let mut cmd = self.rampart();
        cmd.args(["audit", "--org", "--region", "us-east-1", "--endpoint-url", &endpoint()]);
        cmd
    }
}

/// (check, account, region, resource, status) of every finding.
fn outcomes(report: &Value) -> BTreeSet<(String, String, String, String, String)> {
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (s(f, "check_id"), s(f, "account_id"), s(f, "region"), s(f, "resource_id"), s(f, "status")))
        .collect()
}

fn accounts_of(report: &Value) -> Vec<String> {
    report["scope"]["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

#[test]
fn shards_cover_each_account_once_and_their_merge_is_the_whole_audit() {
    let org = Organization::create();
    assert_eq!(org.accounts.len(), 4, "{:?}", org.accounts);
    assert!(org.accounts.contains(&org.management));

    let (code, out, err) = run(org.audit().args(["--checks", CHECKS, "--format", "json"]));
    assert_eq!(code, 3, "{err}");
    let whole: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(accounts_of(&whole), org.accounts);
    // The planted difference: one member passes the password checks, the others fail them.
    let length = |report: &Value, account: &str| {
        outcomes(report).into_iter().find(|o| o.0 == "iam_password_policy_minimum_length_14" && o.1 == account).unwrap().4
    };
    assert_eq!(length(&whole, &org.strong_member), "PASS");
    assert_eq!(length(&whole, &org.management), "FAIL");

    // Three shares, each to its own prefix.
    let mut covered = Vec::new();
    for index in 0..3 {
        let prefix = format!("s3://{}/run/shard-{index}/", org.bucket);
        let shard = format!("{index}/3");
        let (code, _, err) = run(org.audit().args(["--checks", CHECKS, "--shard", &shard, "--format", "json,html", "--output-dir", &prefix]));
        assert!([0, 3].contains(&code), "shard {shard}: {err}");
        // What the share wrote is read back below; which accounts it covered, from a local run.
        let (_, out, _) = run(org.audit().args(["--checks", CHECKS, "--shard", &shard, "--format", "json"]));
        covered.extend(accounts_of(&serde_json::from_str(&out).unwrap()));
    }
    covered.sort();
    assert_eq!(covered, org.accounts, "every account in exactly one share");

    // The merge of the bucket's prefix: the same findings and scores as the whole audit.
    let dir = tempfile::tempdir().unwrap();
    let merged_path = dir.path().join("merged.json");
    let (code, _, err) = run(org
        .rampart()
        .args(["merge", &format!("s3://{}/run/", org.bucket), "--endpoint-url", &endpoint(), "--format", "json", "-o"])
        .arg(&merged_path)
        .args(["--accounts", &org.accounts.join(",")]));
    assert_eq!(code, 3, "a finding fails, as in the whole audit: {err}");
    let merged: Value = serde_json::from_str(&std::fs::read_to_string(&merged_path).unwrap()).unwrap();
    assert_eq!(accounts_of(&merged), org.accounts);
    assert_eq!(outcomes(&merged), outcomes(&whole));
    assert_eq!(merged["summary"]["score"], whole["summary"]["score"]);
    assert_eq!(merged["summary"]["accounts"], whole["summary"]["accounts"], "a score per account");
    assert_eq!(merged["summary"]["accounts"].as_object().unwrap().len(), 4);

    // Every format, from the merged report, into a directory.
    let formats = rampart::report::reporters().iter().map(|r| r.name()).collect::<Vec<_>>().join(",");
    let out_dir = dir.path().join("org");
    let (code, _, err) = run(org
        .rampart()
        .args(["merge", &format!("s3://{}/run/", org.bucket), "--endpoint-url", &endpoint(), "--format", &formats, "--output-dir"])
        .arg(&out_dir));
    assert_eq!(code, 3, "{err}");
    let written: Vec<String> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(written.len(), rampart::report::reporters().len(), "{written:?}");
    for reporter in rampart::report::reporters() {
        let name = written.iter().find(|n| n.starts_with("rampart-multi-") && n.ends_with(&format!(".{}", reporter.extension()))).unwrap();
        let text = std::fs::read_to_string(out_dir.join(name)).unwrap();
        assert!(text.contains(&org.strong_member), "{name} names every account");
    }
}

#[test]
fn an_account_without_a_report_is_error_and_a_bad_input_is_named() {
    let org = Organization::create();
    let dir = tempfile::tempdir().unwrap();
    // Only the management account's own report, of a check that is not critical.
    let check = "iam_password_policy_minimum_length_14";
    let (code, _, err) =
        run(org.audit().args(["--checks", check, "--accounts", &org.management, "--format", "json", "--output-dir"]).arg(dir.path().join("reports")));
    assert_eq!(code, 3, "{err}");
    let (code, out, err) = run(org
        .rampart()
        .args(["merge", "--format", "json", "--fail-on", "critical", "--accounts", &org.accounts.join(",")])
        .arg(dir.path()));
    assert_eq!(code, 4, "ERROR findings and no critical failure: incomplete\n{err}");
    let merged: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(accounts_of(&merged), org.accounts);
    for member in org.accounts.iter().filter(|a| **a != org.management) {
        let of: Vec<&Value> = merged["findings"].as_array().unwrap().iter().filter(|f| f["account_id"] == member.as_str()).collect();
        assert_eq!(of.len(), 1, "{member}: one ERROR per check");
        assert_eq!(of[0]["check_id"], check);
        for f in of {
            assert_eq!(f["status"], "ERROR");
            assert!(f["message"].as_str().unwrap().contains("no report among the merged inputs"), "{f}");
        }
    }

    // A file that is not a report, and a prefix with none, are named.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"schema_version\": 1, \"findings\": 3}").unwrap();
    let (code, _, err) = run(rampart().args(["merge", "--format", "json"]).arg(&bogus));
    assert_eq!(code, 1);
    assert!(err.contains("bogus.json") && err.contains("not a Rampart JSON report"), "{err}");
    // A report too large to hold is refused by its size, unread (a sparse file).
    let huge = dir.path().join("rampart-111111111111-20261207T000000Z.json");
    std::fs::File::create(&huge).unwrap().set_len(rampart::merge::MAX_REPORT_BYTES + 1).unwrap();
    let (code, _, err) = run(rampart().args(["merge", "--format", "json"]).arg(&huge));
    assert_eq!(code, 1);
    assert!(err.contains("larger than the 1073741824 bytes"), "{err}");
    let (code, _, err) =
        run(org.rampart().args(["merge", &format!("s3://{}/nothing-here/", org.bucket), "--endpoint-url", &endpoint(), "--format", "json"]));
    assert_eq!(code, 1);
    assert!(err.contains("nothing-here") && err.contains("holds no Rampart JSON report"), "{err}");
}
