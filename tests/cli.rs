//! The command line without AWS: listing, docs, snapshots, exit codes and error messages.

mod common;

use common::{fixture, rampart, run, status_of};
use serde_json::Value;

#[test]
fn checks_lists_the_registry() {
    let (code, out, _) = run(rampart().args(["checks", "--format", "json"]));
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in ["iam_root_mfa_enabled", "iam_user_mfa_enabled_console_access", "iam_user_no_setup_initial_access_key"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(list[0]["measure"], "access");
    let (code, csv, _) = run(rampart().args(["checks", "--format", "csv", "--checks", "iam_root_mfa_enabled"]));
    assert_eq!(code, 0);
    assert_eq!(csv.lines().collect::<Vec<_>>(), ["id,severity,measure,title,compliance", "iam_root_mfa_enabled,critical,access,Root user has MFA enabled,CIS-5.0: 1.4 | CIS-6.0: 2.4"]);
    let (code, md, _) = run(rampart().args(["checks", "--format", "markdown", "--measure", "network"]));
    assert_eq!(code, 0);
    assert!(md.starts_with("| id | severity | measure | title | compliance |\n|---|") && md.contains("| `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22` |"), "{md}");
    let (code, table, _) = run(rampart().args(["checks", "--severity", "critical"]));
    assert_eq!(code, 0);
    assert!(table.contains("iam_root_mfa_enabled") && !table.contains("iam_password_policy_reuse_24"), "{table}");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let (code, bash, _) = run(rampart().args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(bash.contains("_rampart()") && bash.contains("--mutelist") && bash.contains("--csv-prowler"), "{bash}");
    let (code, zsh, _) = run(rampart().args(["completions", "zsh"]));
    assert_eq!(code, 0);
    assert!(zsh.starts_with("#compdef rampart"), "{zsh}");
    let (code, _, _) = run(rampart().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "an unknown shell is a usage error");
    let (code, man, _) = run(rampart().arg("man"));
    assert_eq!(code, 0);
    assert!(man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH rampart"), "{}", &man[..200.min(man.len())]);
    assert!(man.contains("audit") && man.contains("diff"), "subcommands are listed");
}

#[test]
fn explain_prints_every_section() {
    let (code, out, _) = run(rampart().args(["explain", "iam_user_mfa_enabled_console_access"]));
    assert_eq!(code, 0);
    for section in ["## What it checks", "## Why it matters", "## Remediation", "## References", "CIS-5.0: 1.9"] {
        assert!(out.contains(section), "missing {section} in\n{out}");
    }
}

#[test]
fn unknown_check_ids_are_usage_errors() {
    let (code, _, err) = run(rampart().args(["explain", "no_such_check"]));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = run(rampart().args(["audit", "--snapshot", "x.json", "--checks", "iam_root_mfa_enabled,bogus"]));
    assert_eq!(code, 2);
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn bad_arguments_exit_2() {
    let (code, _, err) = run(rampart().args(["audit", "--fail-on", "catastrophic"]));
    assert_eq!(code, 2);
    assert!(err.contains("catastrophic"));
    let (code, _, _) = run(rampart().args(["audit", "--format", "yaml"]));
    assert_eq!(code, 2);
}

#[test]
fn snapshot_audit_judges_root_and_ages_from_the_snapshot_time() {
    let (code, out, _) = run(rampart().args(["audit", "--format", "json", "--snapshot"]).arg(fixture("aged-account.json")));
    assert_eq!(code, 3);
    let report: Value = serde_json::from_str(&out).unwrap();
    let acct = "210987654321";
    for (check, resource, status) in [
        ("iam_no_root_access_key", acct, "FAIL"),
        ("iam_root_mfa_enabled", acct, "PASS"),
        ("iam_root_hardware_mfa_enabled", acct, "FAIL"),
        ("iam_avoid_root_usage", acct, "FAIL"),
        ("iam_rotate_access_key_90_days", "bob-stale-key", "FAIL"),
        ("iam_rotate_access_key_90_days", "alice", "PASS"),
        ("iam_user_accesskey_unused", "dave-unused-key", "FAIL"),
        ("iam_user_accesskey_unused", "bob-stale-key", "PASS"),
        ("iam_user_console_access_unused", "carol-dormant", "FAIL"),
        ("iam_user_console_access_unused", "erin-never-logged-in", "FAIL"),
        ("iam_user_console_access_unused", "alice", "PASS"),
        ("iam_password_policy_minimum_length_14", acct, "PASS"),
    ] {
        assert_eq!(status_of(&report, check, resource), status, "{check} on {resource}");
    }
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["collected_at"], "2026-11-26T12:00:00Z");
    assert_eq!(report["scope"]["accounts"][0], acct);
    assert!(report["summary"]["score"]["measures"]["access"]["score"].is_f64());
    let finding = &report["findings"][0];
    for key in [
        "check_id", "title", "status", "severity", "measure", "account_id", "region", "resource_id", "resource_arn",
        "resource_type", "message", "remediation", "compliance", "muted", "mute_reason",
    ] {
        assert!(finding.get(key).is_some(), "finding lacks {key}: {finding}");
    }
}

#[test]
fn the_same_snapshot_always_gives_the_same_findings() {
    let audit = || {
        let (_, out, _) = run(rampart().args(["audit", "--format", "json", "--snapshot"]).arg(fixture("aged-account.json")));
        let report: Value = serde_json::from_str(&out).unwrap();
        report["findings"].clone()
    };
    assert_eq!(audit(), audit());
}

#[test]
fn fail_on_and_selection_decide_the_exit_code() {
    let snap = fixture("aged-account.json");
    // Only medium failures among these checks: below --fail-on high.
    let (code, _, _) = run(rampart()
        .args(["audit", "--checks", "iam_rotate_access_key_90_days", "--fail-on", "high", "--snapshot"])
        .arg(&snap));
    assert_eq!(code, 0);
    let (code, _, _) = run(rampart().args(["audit", "--measure", "access", "--fail-on", "critical", "--snapshot"]).arg(&snap));
    assert_eq!(code, 3);
    let (code, _, _) = run(rampart()
        .args(["audit", "--checks", "iam_root_mfa_enabled,iam_password_policy_reuse_24", "--snapshot"])
        .arg(&snap));
    assert_eq!(code, 0);
}

#[test]
fn config_changes_thresholds_and_mutes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rampart.toml");
    std::fs::write(
        &config,
        "[iam]\nmax_access_key_age_days = 400\n\n[[mute]]\ncheck = \"iam_user_console_access_unused\"\nresource = \"carol-*\"\nreason = \"on leave\"\n",
    )
    .unwrap();
    let (_, out, _) = run(rampart()
        .args(["audit", "--format", "json", "--config"])
        .arg(&config)
        .arg("--snapshot")
        .arg(fixture("aged-account.json")));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status_of(&report, "iam_rotate_access_key_90_days", "dave-unused-key"), "PASS");
    assert_eq!(status_of(&report, "iam_rotate_access_key_90_days", "bob-stale-key"), "FAIL");
    let carol = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check_id"] == "iam_user_console_access_unused" && f["resource_id"] == "carol-dormant")
        .unwrap();
    assert_eq!(carol["status"], "FAIL");
    assert_eq!(carol["muted"], true);
    assert_eq!(carol["mute_reason"], "on leave");

    std::fs::write(&config, "[iam]\nmax_access_key_age = 10\n").unwrap();
    let (code, _, err) = run(rampart().arg("audit").arg("--config").arg(&config).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 1);
    assert!(err.starts_with("rampart: cannot read configuration") && err.contains("max_access_key_age"), "{err}");
}

#[test]
fn a_prowler_mutelist_mutes_what_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let mutelist = dir.path().join("mutelist.yaml");
    // The fixture was collected on 2026-11-26: one entry live, one expired the day before.
    std::fs::write(
        &mutelist,
        r#"Mutelist:
  Accounts:
    "210987654321":
      Checks:
        "iam_user_console_access_unused":
          Regions: ["*"]
          Resources: ["carol-.*"]
          Description: "on leave until spring"
        "iam_rotate_access_key_90_days":
          Regions: ["*"]
          Resources: ["bob-stale-key"]
          Description: "rotation ticket SEC-12"
          Expires: 2026-11-25
    "*":
      Checks:
        "iam_no_root_access_key":
          Regions: ["*"]
          Resources: ["*"]
          Tags: ["team=platform"]
"#,
    )
    .unwrap();
    let (_, out, err) = run(rampart().args(["audit", "--format", "json", "--mutelist"]).arg(&mutelist).arg("--snapshot").arg(fixture("aged-account.json")));
    let report: Value = serde_json::from_str(&out).unwrap();
    let finding = |check: &str, resource: &str| {
        report["findings"].as_array().unwrap().iter().find(|f| f["check_id"] == check && f["resource_id"] == resource).unwrap().clone()
    };
    let carol = finding("iam_user_console_access_unused", "carol-dormant");
    assert_eq!((carol["status"].as_str(), carol["muted"].as_bool()), (Some("FAIL"), Some(true)));
    assert_eq!(carol["mute_reason"], "on leave until spring");
    assert_eq!(finding("iam_user_console_access_unused", "erin-never-logged-in")["muted"], false);
    assert_eq!(finding("iam_rotate_access_key_90_days", "bob-stale-key")["muted"], false, "expired");
    // The fixture holds no tags (as where tag:GetResources is denied): an entry that needs
    // them mutes nothing, and the finding has no resource_tags to show.
    let root = finding("iam_no_root_access_key", "210987654321");
    assert_eq!(root["muted"], false, "depends on tags");
    assert!(root.get("resource_tags").is_none(), "{root}");
    let expired = report["expired_mutes"].as_array().unwrap();
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["reason"], "rotation ticket SEC-12");
    assert_eq!(expired[0]["expired"], "2026-11-25");
    assert!(err.is_empty(), "{err}");
    // Muted findings count in neither the score nor the counts of failures.
    assert_eq!(report["summary"]["counts"]["muted"], 1);

    // The table names the expired rule.
    let (_, table, _) = run(rampart().args(["audit", "--mutelist"]).arg(&mutelist).arg("--snapshot").arg(fixture("aged-account.json")));
    assert!(table.contains("1 mute rule expired") && table.contains("rotation ticket SEC-12"), "{table}");

    std::fs::write(&mutelist, "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        x:\n          Regions: ['*']\n").unwrap();
    let (code, _, err) = run(rampart().args(["audit", "--mutelist"]).arg(&mutelist).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 1);
    assert!(err.contains("mutelist") && err.contains("Resources") && err.lines().count() == 1, "{err}");
}

#[test]
fn diff_and_baseline_tell_new_failures_from_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.json");
    let (code, _, err) = run(rampart().args(["audit", "--format", "json", "-o"]).arg(&new).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 3, "{err}");
    // The earlier report: bob's stale key passed then, and carol did not exist.
    let mut old: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    let findings = old["findings"].as_array_mut().unwrap();
    findings.retain(|f| f["resource_id"] != "carol-dormant");
    for f in findings.iter_mut() {
        if f["check_id"] == "iam_rotate_access_key_90_days" && f["resource_id"] == "bob-stale-key" {
            f["status"] = "PASS".into();
        }
    }
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, serde_json::to_string(&old).unwrap()).unwrap();

    let (code, out, err) = run(rampart().args(["diff", "--format", "json"]).arg(&old_path).arg(&new));
    assert_eq!(code, 3, "worse: {err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    let ids = |list: &str| d[list].as_array().unwrap().iter().map(|f| format!("{}/{}", f["check_id"].as_str().unwrap(), f["resource_id"].as_str().unwrap())).collect::<Vec<_>>();
    assert_eq!(ids("new_failures"), ["iam_rotate_access_key_90_days/bob-stale-key", "iam_user_console_access_unused/carol-dormant"]);
    assert!(ids("fixed").is_empty() && ids("gone").is_empty());
    assert_eq!(ids("still_failing").len(), 7);
    assert_eq!(d["scores"].as_array().unwrap().len(), 7, "overall and six measures");

    // The other way round: two fixed (one of them gone), nothing worse but the score.
    let (_, out, _) = run(rampart().args(["diff", "--format", "json"]).arg(&new).arg(&old_path));
    let back: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(back["fixed"].as_array().unwrap().len(), 1);
    assert_eq!(back["gone"].as_array().unwrap().len(), 1);
    assert!(back["new_failures"].as_array().unwrap().is_empty());
    let (code, table, _) = run(rampart().arg("diff").arg(&new).arg(&new));
    assert_eq!(code, 0, "{table}");
    assert!(table.contains("New failures: 0") && table.contains("Nothing got worse."), "{table}");

    // --baseline marks every finding in the report.
    let (_, out, _) = run(rampart().args(["audit", "--format", "json", "--baseline"]).arg(&old_path).arg("--snapshot").arg(fixture("aged-account.json")));
    let marked: Value = serde_json::from_str(&out).unwrap();
    let all = marked["findings"].as_array().unwrap();
    let new_ones: Vec<&Value> = all.iter().filter(|f| f["baseline"] == "new").collect();
    assert!(all.iter().all(|f| f["baseline"] == "new" || f["baseline"] == "unchanged"));
    // carol's findings (every check that judges her) and bob's key.
    assert!(new_ones.iter().any(|f| f["resource_id"] == "bob-stale-key" && f["check_id"] == "iam_rotate_access_key_90_days"));
    assert!(new_ones.iter().all(|f| f["resource_id"] == "carol-dormant" || f["resource_id"] == "bob-stale-key"), "{new_ones:?}");

    // Not a report: one clear line, exit 1.
    let (code, _, err) = run(rampart().arg("diff").arg(fixture("aged-account.json")).arg(&new));
    assert_eq!(code, 1);
    assert!(err.starts_with("rampart: cannot read report") && err.lines().count() == 1, "{err}");
}

/// A loopback web hook: answers each of `answers` requests with that status, and returns
/// the bodies it was sent.
fn webhook(answers: Vec<u16>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/services/T000/B000/SECRETTOKEN", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut bodies = Vec::new();
        for status in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            bodies.push(String::from_utf8(body).unwrap());
            write!(reader.get_mut(), "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").unwrap();
        }
        bodies
    });
    (url, handle)
}

#[test]
fn notify_posts_a_summary_and_never_shows_the_url() {
    let (url, server) = webhook(vec![200, 200, 500]);
    let audit = |format: &str| {
        run(rampart()
            .args(["audit", "--format", "json", "--fail-on", "high", "--notify", &url, "--notify-format", format])
            .arg("--snapshot")
            .arg(fixture("aged-account.json")))
    };
    let (code, out, err) = audit("slack");
    assert_eq!(code, 3, "the exit code is the audit's: {err}");
    assert!(!out.contains("SECRETTOKEN") && !err.contains("SECRETTOKEN"), "{err}");
    let (_, _, err_json) = audit("json");
    assert!(err_json.is_empty(), "{err_json}");
    let (code, _, err) = audit("json");
    assert_eq!(code, 3);
    assert!(err.contains("warning: the notification could not be sent: the webhook answered HTTP 500") && !err.contains("SECRETTOKEN"), "{err}");
    let bodies = server.join().unwrap();

    let slack: Value = serde_json::from_str(&bodies[0]).unwrap();
    let text = slack["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(text.contains("Failures at high or above: 3"), "{text}");
    assert!(text.contains("CRITICAL `iam_no_root_access_key`") && !text.contains("iam_rotate_access_key_90_days"), "medium is below --fail-on: {text}");
    let json: Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(json["failures"], "all");
    assert_eq!(json["listed"].as_array().unwrap().len(), 3);
    assert_eq!(json["fail"], 9);

    // Nobody listening: said without the URL; a bad URL is a usage error without it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed = format!("http://127.0.0.1:{port}/SECRETTOKEN");
    let (_, _, err) = run(rampart().args(["audit", "--quiet", "--notify", &closed]).arg("--snapshot").arg(fixture("aged-account.json")));
    assert!(err.contains("could not be sent: the connection failed") && !err.contains("SECRETTOKEN"), "{err}");
    let (code, _, err) = run(rampart().args(["audit", "--notify", "http://example.com/SECRETTOKEN"]).arg("--snapshot").arg(fixture("aged-account.json")));
    assert_eq!(code, 2);
    assert!(err.contains("must be https") && !err.contains("SECRETTOKEN"), "{err}");
}

#[test]
fn unreadable_snapshots_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let future = dir.path().join("future.json");
    std::fs::write(&future, r#"{"snapshot_version": 99, "accounts": []}"#).unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"snapshot_version": 3, "collected_at": "2026-01-01T00:00:00Z", "accounts": [{"account_id": 1}]}"#).unwrap();
    let older = dir.path().join("older.json");
    std::fs::write(&older, r#"{"snapshot_version": 1, "collected_at": "2026-01-01T00:00:00Z", "accounts": []}"#).unwrap();
    let array = dir.path().join("array.json");
    std::fs::write(&array, "[1, 2, 3]").unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, r#"{"snapshot_version": 3, "collected_at": "2026-01-01T00:00:00Z", "accounts": []}"#).unwrap();
    let no_region = dir.path().join("no-region.json");
    std::fs::write(
        &no_region,
        r#"{"snapshot_version": 3, "collected_at": "2026-01-01T00:00:00Z",
            "accounts": [{"account_id": "123456789012", "partition": "aws", "regions": []}]}"#,
    )
    .unwrap();
    for (path, expect) in [
        (dir.path().join("missing.json"), "No such file"),
        (garbage, "not JSON"),
        (array, "not a Rampart snapshot: invalid type: sequence, expected a JSON object"),
        (future, "version 99"),
        (older, "snapshot version 1 was written by an older Rampart (this one reads version 3): collect it again with `rampart collect`"),
        (broken, "invalid snapshot"),
        // An audit of nothing is not a clean account.
        (empty, "not auditable: it holds no account"),
        (no_region, "not auditable: account 123456789012 names no region"),
    ] {
        for extra in [&[][..], &["--compliance", "cis-5.0"][..]] {
            let (code, out, err) = run(rampart().args(["audit", "--snapshot"]).arg(&path).args(extra));
            assert_eq!(code, 1, "{err}");
            assert!(out.is_empty(), "{out}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.starts_with("rampart: cannot read snapshot") && err.contains(expect), "{expect}: {err}");
        }
    }
}

#[test]
fn missing_profile_is_one_clear_line() {
    let (code, _, err) = run(rampart().args(["audit", "--profile", "does-not-exist"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("does-not-exist"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn no_credentials_is_one_clear_line() {
    let (code, _, err) = run(rampart().args(["audit", "--endpoint-url", "http://127.0.0.1:9"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rampart: no AWS credentials"), "{err}");
}

#[test]
fn unreachable_endpoint_is_one_clear_line() {
    // Port 9 (discard) on loopback: nothing listens there.
    let started = std::time::Instant::now();
    let (code, _, err) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--endpoint-url", "http://127.0.0.1:9"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rampart: cannot reach AWS"), "{err}");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

#[test]
fn compliance_selects_a_framework_and_reports_its_controls() {
    let (code, out, _) = run(rampart()
        .args(["audit", "--format", "json", "--compliance", "CIS-5.0", "--snapshot"])
        .arg(fixture("aged-account.json")));
    assert_eq!(code, 3);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["compliance"]["framework"], "CIS-5.0");
    let controls = report["compliance"]["controls"].as_array().unwrap();
    let status = |id: &str| controls.iter().find(|c| c["id"] == id).unwrap()["status"].as_str().unwrap().to_string();
    assert_eq!(status("1.3"), "FAIL", "the fixture's root user has an active key");
    assert_eq!(status("1.4"), "PASS");
    // The fixture holds no contact details: the control cannot be decided.
    assert_eq!(status("1.1"), "ERROR");
    // Every check in scope belongs to the framework.
    for check in report["scope"]["checks"].as_array().unwrap() {
        assert!(controls.iter().any(|c| c["checks"].as_array().unwrap().contains(check)), "{check} is not CIS 5.0");
    }
    let (code, _, err) = run(rampart().args(["checks", "--compliance", "cis-9.9"]));
    assert_eq!(code, 2);
    assert!(err.contains("cis-5.0"), "{err}");
    let (code, list, _) = run(rampart().args(["checks", "--compliance", "aws-fsbp", "--format", "json"]));
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&list).unwrap();
    assert!(list.as_array().unwrap().iter().all(|c| c["compliance"].get("AWS-FSBP").is_some()));
}

#[test]
fn exposure_reads_a_snapshot_and_writes_json_or_a_table() {
    let snapshot = common::root().join("checks/src/inventory/source/complete-account.json");
    let snapshot = snapshot.to_str().unwrap();
    let (code, out, err) = run(rampart().args(["exposure", "--snapshot", snapshot, "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let document: Value = serde_json::from_str(&out).unwrap();
    let regions = document["accounts"][0]["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2);
    for region in regions {
        let name = region["region"].as_str().unwrap();
        let resources = region["resources"].as_array().unwrap();
        // The fixture's public instance: CIFS (440-450) open, an auto-assigned address, a
        // route to the internet gateway.
        let public = resources
            .iter()
            .find(|r| r["reachable"].as_array().unwrap().iter().any(|e| e["ports"] == "440-450"))
            .unwrap_or_else(|| panic!("{name}: the public instance is not listed: {region}"));
        assert_eq!(public["kind"], "AwsEc2Instance");
        let path = public["reachable"][0]["path"].as_str().unwrap();
        assert!(path.contains(&format!("eni-fixture-public-{name} public IPv4")) && path.contains(&format!("→ igw-fixture-{name}")), "{path}");
        // The load balancer's listener is reached.
        assert!(resources.iter().any(|r| r["kind"] == "AwsElbv2LoadBalancer" && r["id"] == "demo-alb"), "{region}");
        // The private instance only with --all.
        assert!(!resources.iter().any(|r| r["reachable"].as_array().unwrap().is_empty() && r["problems"].is_null()), "{region}");
    }
    let (code, all, _) = run(rampart().args(["exposure", "--snapshot", snapshot, "--format", "json", "--all"]));
    assert_eq!(code, 0);
    assert!(all.contains("\"closed_by\""), "{all}");
    let (code, table, _) = run(rampart().args(["exposure", "--snapshot", snapshot]));
    assert_eq!(code, 0);
    assert!(table.contains("123456789012 eu-west-1") && table.contains("TCP 440-450"), "{table}");
    let (code, _, err) = run(rampart().args(["exposure", "--snapshot", snapshot, "-o", "s3://bucket/exposure.json"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not to S3"), "{err}");
}
