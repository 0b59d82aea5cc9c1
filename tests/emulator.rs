//! End to end against the emulator that scripts/test.sh starts (RAMPART_TEST_ENDPOINT):
//! seed the demo accounts, audit them, and check every planted failure and compliant twin.
//!
//! Every test here only reads the emulator; it is reset and seeded once per run.

mod common;

use std::collections::BTreeMap;
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use assert_cmd::Command;
use common::{outcomes, rampart, root, run, status_of};
use serde_json::Value;

const TWIN_ACCOUNT: &str = "111111111111";
/// The regions the seed plants resources in.
const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

struct Emulator {
    endpoint: String,
    /// Environment that authenticates as the twin account.
    twin_credentials: Vec<(String, String)>,
    /// What seed.py planted: account label → (check, resource, status).
    expected: BTreeMap<String, Vec<(String, String, String)>>,
}

fn seed_script(args: &[&str]) -> String {
    let out = StdCommand::new(root().join("localstack/seed.sh")).args(args).output().expect("run seed.sh");
    assert!(out.status.success(), "seed.sh {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        let endpoint = std::env::var("RAMPART_TEST_ENDPOINT")
            .expect("RAMPART_TEST_ENDPOINT is not set: run the tests with scripts/test.sh, which starts the emulator");
        let reset = StdCommand::new(root().join("localstack/reset.sh")).arg(&endpoint).status().unwrap();
        assert!(reset.success(), "emulator reset failed");
        let exports = seed_script(&[&endpoint, "--credentials", TWIN_ACCOUNT]);
        let twin_credentials = exports
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>();
        assert_eq!(twin_credentials.len(), 3, "{exports}");
        let manifest = std::env::temp_dir().join(format!("rampart-planted-{}.json", std::process::id()));
        seed_script(&[&endpoint, "--manifest", manifest.to_str().unwrap()]);
        let planted: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        let _ = std::fs::remove_file(&manifest);
        let expected = planted
            .as_object()
            .unwrap()
            .iter()
            .map(|(label, list)| {
                let triples = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| (t[0].as_str().unwrap().into(), t[1].as_str().unwrap().into(), t[2].as_str().unwrap().into()))
                    .collect();
                (label.clone(), triples)
            })
            .collect();
        Emulator { endpoint, twin_credentials, expected }
    })
}

/// rampart authenticated as the demo account.
fn demo() -> Command {
    let mut cmd = rampart();
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test");
    cmd
}

/// rampart authenticated as the twin account.
fn twin() -> Command {
    let mut cmd = rampart();
    for (k, v) in &emulator().twin_credentials {
        cmd.env(k, v);
    }
    cmd
}

fn audit_json(mut cmd: Command, extra: &[&str]) -> (i32, Value) {
    let em = emulator();
    let (code, out, err) = run(cmd.args(["audit", "--format", "json", "--endpoint-url", &em.endpoint]).args(REGIONS).args(extra));
    assert!(code == 0 || code == 3 || code == 4, "exit {code}: {err}");
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}\n{err}")))
}

fn assert_planted(label: &str, report: &Value, account: &str) {
    let expected = &emulator().expected[label];
    assert!(!expected.is_empty());
    let mut planted_checks: Vec<&str> = expected.iter().map(|(c, _, _)| c.as_str()).collect();
    planted_checks.sort();
    planted_checks.dedup();
    eprintln!("{label}: {} planted findings over {} checks", expected.len(), planted_checks.len());
    for (check, resource, status) in expected {
        let resource = if resource == "ACCOUNT" { account } else { resource };
        assert_eq!(&status_of(report, check, resource), status, "{label}: {check} on {resource}");
    }
}

#[test]
fn demo_account_shows_every_planted_failure_and_twin() {
    let (code, report) = audit_json(demo(), &[]);
    assert_eq!(code, 3, "planted failures must fail the audit");
    assert_eq!(report["scope"]["accounts"][0], "123456789012");
    assert_planted("demo", &report, "123456789012");
    let access = &report["summary"]["score"]["measures"]["access"];
    let score = access["score"].as_f64().unwrap();
    assert!(score > 0.0 && score < 100.0, "access score {score}");
}

#[test]
fn twin_account_passes_what_the_demo_account_fails() {
    let (_, report) = audit_json(twin(), &[]);
    assert_eq!(report["scope"]["accounts"][0], TWIN_ACCOUNT);
    assert_planted("twin", &report, TWIN_ACCOUNT);
}

#[test]
fn every_check_is_planted_both_ways_or_is_a_known_emulator_gap() {
    let em = emulator();
    // Checks the emulator cannot represent both ways, with the reason.
    let gaps = [
        ("iam_avoid_root_usage", "the credential report has no <root_account> row"),
        ("iam_root_mfa_enabled", "the root user cannot be given MFA"),
        ("iam_root_hardware_mfa_enabled", "the root user cannot be given MFA"),
        ("iam_no_root_access_key", "the root user cannot be given keys"),
        ("iam_rotate_access_key_90_days", "keys cannot be aged"),
        ("iam_user_accesskey_unused", "keys cannot be aged"),
        ("iam_user_console_access_unused", "passwords cannot be aged"),
        ("iam_no_expired_server_certificates_stored", "certificates cannot be aged"),
        ("accessanalyzer_enabled", "IAM Access Analyzer is not implemented"),
        ("ec2_instance_managed_by_ssm", "SSM instance information is not implemented"),
        ("ssm_managed_compliant_patching", "SSM instance information is not implemented"),
        ("s3_bucket_no_mfa_delete", "GetBucketVersioning answers an unreadable document"),
        ("securityhub_enabled", "Security Hub cannot be enabled"),
        ("ec2_instance_account_imdsv2_enabled", "GetInstanceMetadataDefaults is not implemented"),
        ("ec2_ebs_snapshot_account_block_public_access", "GetSnapshotBlockPublicAccessState is not implemented"),
        ("rds_cluster_multi_az", "Aurora clusters are not seeded"),
        ("account_maintain_current_contact_details", "GetContactInformation is not implemented"),
        ("macie_is_enabled", "GetMacieSession answers a timestamp without a zone, which cannot be read"),
        ("ecr_repositories_scan_vulnerabilities_in_latest_image", "DescribeImages carries no scan status or findings"),
        ("ecs_running_images_without_critical_findings", "no task is run (awsvpc needs a network interface) and images carry no scan"),
        ("eks_cluster_vpc_cni_network_policy_enforced", "ListAddons and DescribeAddon are not implemented"),
        ("eks_cluster_admin_access_only_roles", "access entries are not implemented and clusters have no authentication mode"),
    ];
    let (_, report) = audit_json(demo(), &[]);
    let all: Vec<String> = report["scope"]["checks"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    let planted = |status: &str| -> Vec<&str> {
        em.expected.values().flatten().filter(|(_, _, s)| s == status).map(|(c, _, _)| c.as_str()).collect()
    };
    let fails = planted("FAIL");
    // A MANUAL finding (evidence for a human) is the compliant side of a manual control.
    let passes: Vec<&str> = planted("PASS").into_iter().chain(planted("MANUAL")).collect();
    let cloudwatch_family = |id: &str| id.starts_with("cloudwatch_");
    let missing: Vec<&String> = all
        .iter()
        .filter(|id| !gaps.iter().any(|(g, _)| g == id))
        // The 15 CIS monitoring checks share one chain: PASS planted for some, FAIL for others.
        .filter(|id| !(cloudwatch_family(id) && (fails.contains(&id.as_str()) || passes.contains(&id.as_str()))))
        .filter(|id| !(fails.contains(&id.as_str()) && passes.contains(&id.as_str())))
        .collect();
    assert!(missing.is_empty(), "checks with no planted violation or no compliant twin: {missing:?}");

    // Where the emulator cannot answer, the finding is ERROR with the reason, never a PASS.
    for id in [
        "accessanalyzer_enabled",
        "ec2_instance_managed_by_ssm",
        "ssm_managed_compliant_patching",
        "iam_avoid_root_usage",
        "ec2_ebs_snapshot_account_block_public_access",
    ] {
        let of: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["check_id"] == id).collect();
        assert!(!of.is_empty(), "{id}: no finding");
        for f in of {
            assert_eq!(f["status"], "ERROR", "{f}");
            assert!(!f["message"].as_str().unwrap().is_empty());
        }
    }
    let root = report["findings"].as_array().unwrap().iter().find(|f| f["check_id"] == "iam_avoid_root_usage").unwrap();
    assert!(root["message"].as_str().unwrap().contains("<root_account>"), "{root}");
}

#[test]
fn exit_codes_0_3_and_4() {
    let clean = ["--checks", "iam_password_policy_minimum_length_14,iam_password_policy_reuse_24,s3_account_level_public_access_blocks"];
    let (code, _) = audit_json(twin(), &clean);
    assert_eq!(code, 0);
    let (code, _) = audit_json(demo(), &clean);
    assert_eq!(code, 3);
    let (code, _) = audit_json(demo(), &["--checks", "iam_avoid_root_usage,iam_password_policy_minimum_length_14", "--fail-on", "high"]);
    assert_eq!(code, 4, "a medium failure below --fail-on high, and an ERROR");
}

#[test]
fn collect_then_audit_snapshot_gives_the_same_findings() {
    let em = emulator();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let (code, _, err) = run(demo().args(["collect", "--endpoint-url", &em.endpoint]).args(REGIONS).arg("-o").arg(&snapshot));
    assert_eq!(code, 0, "{err}");
    let (_, live) = audit_json(demo(), &[]);
    let (_, out, _) = run(rampart().args(["audit", "--format", "json", "--snapshot"]).arg(&snapshot));
    let saved: Value = serde_json::from_str(&out).unwrap();
    let mut a = outcomes(&live);
    let mut b = outcomes(&saved);
    a.sort();
    b.sort();
    assert!(!a.is_empty());
    let only_live: Vec<_> = a.iter().filter(|x| !b.contains(x)).collect();
    let only_saved: Vec<_> = b.iter().filter(|x| !a.contains(x)).collect();
    assert!(only_live.is_empty() && only_saved.is_empty(), "live only: {only_live:?}\nsnapshot only: {only_saved:?}");
    // The snapshot holds no secrets: no MFA seeds, no passwords, no secret keys.
    let text = std::fs::read_to_string(&snapshot).unwrap();
    for secret in ["Base32StringSeed", "base32", "QRCode", "Demo-Only-Passw0rd", "SecretAccessKey", "secret_access_key"] {
        assert!(!text.contains(secret), "snapshot contains {secret}");
    }
}

#[test]
fn table_report_shows_scores_and_failures() {
    let em = emulator();
    // The summary: scores, counts, the failing checks, the ERROR reasons.
    let (code, summary, _) = run(demo().args(["audit", "--endpoint-url", &em.endpoint]).args(REGIONS));
    assert_eq!(code, 3);
    for needle in [
        "account 123456789012",
        "By severity",
        "Failing: ",
        "iam_user_mfa_enabled_console_access",
        "ERROR: ",
        "iam_avoid_root_usage",
    ] {
        assert!(summary.contains(needle), "missing {needle} in\n{summary}");
    }
    assert!(summary.lines().count() < 200, "a screen or two: {} lines", summary.lines().count());
    // Every finding with --details.
    let (code, out, _) = run(demo().args(["audit", "--details", "--endpoint-url", &em.endpoint]).args(REGIONS));
    assert_eq!(code, 3);
    for needle in [
        "account 123456789012",
        "regions eu-west-1, us-east-1",
        "access",
        "encryption",
        "overall",
        "CRITICAL",
        "demo-console-no-mfa",
        "console password without MFA",
        "demo-two-keys",
        "ERROR (",
        "iam_avoid_root_usage",
        "patching",
        "monitoring",
        "network",
    ] {
        assert!(out.contains(needle), "missing {needle} in\n{out}");
    }
    assert!(!out.contains("\x1b["), "no colour when not on a terminal");
    assert!(!out.contains("demo-console-mfa "), "passing twins are not listed as failures\n{out}");
}

/// Runs `rampart ARGS` on a pseudo-terminal (util-linux `script`), as the demo account, and
/// returns everything the terminal showed.
fn on_a_terminal(args: &[&str]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("rampart");
    let line = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let nowhere = std::env::temp_dir().join("rampart-tests-no-aws-config");
    let out = StdCommand::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RAMPART_MAX_ATTEMPTS", std::env::var("RAMPART_MAX_ATTEMPTS").unwrap_or_else(|_| "2".into()))
        .output()
        .expect("util-linux `script` runs rampart on a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_shows_on_a_terminal_only() {
    let em = emulator();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let report = report.to_str().unwrap();
    let args = ["audit", "--endpoint-url", &em.endpoint, "--region", "us-east-1", "--format", "json", "-o", report];

    let shown = on_a_terminal(&args);
    assert!(shown.contains("service·region reads"), "no progress bar on a terminal: {shown:?}");
    assert!(shown.contains("report written to"), "{shown:?}");
    let quiet = on_a_terminal(&[&args[..], &["--quiet"]].concat());
    assert!(!quiet.contains("service·region"), "a progress bar despite --quiet: {quiet:?}");

    // Not a terminal: stderr says where the report went, and nothing else.
    let (code, _, stderr) = run(demo().args(args));
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stderr.trim(), format!("report written to {report}"));
}

/// Runs tests/schemas/validate.py (the emulator venv's Python, with jsonschema) on a file.
fn assert_schema_valid(schema: &str, instance: &std::path::Path, layout: &[&str]) {
    let out = StdCommand::new(root().join("localstack/.venv/bin/python"))
        .arg(root().join("tests/schemas/validate.py"))
        .arg(root().join(schema))
        .arg(instance)
        .args(layout)
        .output()
        .expect("run validate.py");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.starts_with("valid: "), "{} against {schema}: {text}", instance.display());
}

#[test]
fn one_audit_of_the_demo_account_writes_every_format() {
    let em = emulator();
    let dir = tempfile::tempdir().unwrap();
    let formats = "table,json,html,csv,junit,sarif,ocsf,ocsf-ndjson,asff";
    let (code, out, err) = run(demo()
        .args(["audit", "--endpoint-url", &em.endpoint, "--format", formats, "--output-dir"])
        .arg(dir.path())
        .args(REGIONS));
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty(), "{out}");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 9, "{files:?}");
    let by_ending = |ending: &str| files.iter().find(|p| p.to_string_lossy().ends_with(ending)).unwrap_or_else(|| panic!("no {ending} in {files:?}"));
    let read = |ending: &str| std::fs::read_to_string(by_ending(ending)).unwrap();

    let report: Value = serde_json::from_str(&read("Z.json")).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert!(findings > 300, "{findings}");
    let failing = report["summary"]["counts"]["fail"].as_u64().unwrap() as usize;

    assert!(read(".txt").contains("Failing: "));
    assert!(read(".html").starts_with("<!DOCTYPE html>"));
    assert_eq!(read(".csv").lines().filter(|l| l.starts_with("rampart/")).count(), findings, "a row per finding");
    assert_eq!(read(".xml").matches("<testcase ").count(), findings, "a test case per finding");
    let asff: Value = serde_json::from_str(&read(".asff")).unwrap();
    assert_eq!(asff.as_array().unwrap().len(), findings);
    let sarif: Value = serde_json::from_str(&read(".sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|r| r["suppressions"].is_null()).count(), failing, "a result per unmuted FAIL");
    assert_schema_valid("tests/schemas/sarif-2.1.0.json", by_ending(".sarif"), &[]);
    assert_schema_valid("tests/schemas/ocsf-1.5.0-detection_finding.json", by_ending(".ocsf.json"), &["--each"]);
    assert_schema_valid("tests/schemas/ocsf-1.5.0-detection_finding.json", by_ending(".ocsf.ndjson"), &["--lines"]);
    assert_eq!(read(".ocsf.ndjson").lines().count(), findings);

    // The seeded tag value that would be stored XSS: in the reports as data, never markup.
    let tagged: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource_tags"]["Owner"] == "<img src=x onerror=alert(1)>")
        .collect();
    assert!(!tagged.is_empty(), "the seeded volume's tags reach the JSON report");
    let html = read(".html");
    assert!(html.contains("\\u003cimg src=x onerror=alert(1)\\u003e") && !html.contains("<img src=x"), "escaped in the page");
    assert!(asff.as_array().unwrap().iter().any(|f| f["Resources"][0]["Tags"]["team"] == "data"));
}

#[test]
fn a_prowler_mutelist_mutes_by_tag_on_the_demo_account() {
    let dir = tempfile::tempdir().unwrap();
    let mutelist = dir.path().join("mutelist.yaml");
    std::fs::write(
        &mutelist,
        "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        'ec2_ebs_volume_encryption':\n          Regions: ['*']\n          Resources: ['*']\n          Tags: ['team=data']\n          Description: 'data team volumes, encrypted by the application'\n",
    )
    .unwrap();
    let (_, report) = audit_json(demo(), &["--checks", "ec2_ebs_volume_encryption", "--mutelist", mutelist.to_str().unwrap()]);
    let findings = report["findings"].as_array().unwrap();
    let (muted, open): (Vec<&Value>, Vec<&Value>) = findings.iter().partition(|f| f["muted"] == true);
    assert!(!muted.is_empty() && muted.iter().all(|f| f["resource_tags"]["team"] == "data"), "{muted:?}");
    assert!(muted.iter().all(|f| f["mute_reason"] == "data team volumes, encrypted by the application"));
    assert!(open.iter().all(|f| f["resource_tags"]["team"] != "data"), "untagged volumes stay unmuted");
    assert!(open.iter().any(|f| f["status"] == "FAIL"), "other unencrypted volumes still fail");
}

#[test]
fn the_exposure_command_lists_the_planted_reachable_resources_and_none_of_the_unreachable() {
    let em = emulator();
    let check = "ec2_networkinterface_reachable_from_internet";
    let planted: Vec<&(String, String, String)> = em.expected["demo"].iter().filter(|(c, _, _)| c == check).collect();
    assert!(planted.iter().filter(|(_, _, s)| s == "FAIL").count() >= 4, "{planted:?}");
    assert!(planted.iter().filter(|(_, _, s)| s == "PASS").count() >= 4, "{planted:?}");
    let (code, out, err) = run(demo().args(["exposure", "--format", "json", "--endpoint-url", &em.endpoint]).args(REGIONS));
    assert_eq!(code, 0, "{err}");
    let document: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}"));
    let resources: Vec<&Value> = document["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["regions"].as_array().unwrap())
        .inspect(|r| assert!(r.get("error").is_none(), "a region could not be judged: {r}"))
        .flat_map(|r| r["resources"].as_array().unwrap())
        .collect();
    for (_, resource, status) in &planted {
        let listed = resources.iter().find(|r| r["id"] == resource.as_str());
        match status.as_str() {
            "FAIL" => {
                let listed = listed.unwrap_or_else(|| panic!("{resource} is reachable but not listed: {out}"));
                let reachable = listed["reachable"].as_array().unwrap();
                assert!(!reachable.is_empty(), "{listed}");
                for entry in reachable {
                    let path = entry["path"].as_str().unwrap();
                    // Every path names its layers: the groups' rule and the route to the
                    // internet gateway, or the load balancer in front.
                    assert!((path.contains(" route ") && path.contains("igw-")) || path.contains("load balancer"), "{path}");
                }
            }
            _ => assert!(listed.is_none(), "{resource} is not reachable but listed: {listed:?}"),
        }
    }
    // The table says the same, with the path.
    let (code, table, err) = run(demo().args(["exposure", "--endpoint-url", &em.endpoint]).args(REGIONS));
    assert_eq!(code, 0, "{err}");
    let (_, first, _) = planted.iter().find(|(_, _, s)| s == "FAIL").unwrap();
    assert!(table.contains(first.as_str()) && table.contains("igw-"), "{table}");
    // And the HTML report of an audit shows the exposure table.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let (code, _, err) = run(demo()
        .args(["audit", "--format", "html", "-o", html.to_str().unwrap(), "--endpoint-url", &em.endpoint])
        .args(REGIONS));
    assert!(code == 0 || code == 3, "{err}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<section class=\"panel\" id=\"exposure\">"), "no exposure section");
    assert!(page.contains(first.as_str()));
}
