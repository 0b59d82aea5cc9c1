//! Rampart under faults: throttling, server errors, a denied service, slow answers.
//!
//! The emulator is reset and seeded once (the demo account, and for the 30 % throttling test
//! 2,000 snapshots in a third region: a large account's backups); a fault-injecting proxy
//! (tests/common/proxy.rs) stands between Rampart and the emulator. Every audit covers two
//! regions and every check; its findings are compared, as (check, resource, status), with a
//! clean audit straight to the emulator. The tests only read the emulator.
//!
//! The test harness starts tests in the order of their names, as many at once as there are
//! CPUs: the slowest test (the 30 % throttling, about 100 s) is named to start first.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::proxy::{Fault, Faults, Protocol, Proxy, Seen, seeded_emulator};
use common::{outcomes, rampart, run};
use serde_json::Value;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

/// The region of the large account's many snapshots, audited only where a test says so.
const SNAPSHOT_REGION: &str = "ap-southeast-2";
const BULK_SNAPSHOTS: usize = 2000;

type Outcome = (String, String, String);

struct Audit {
    code: i32,
    report: Value,
    stderr: String,
    elapsed: Duration,
}

impl Audit {
    fn findings(&self) -> &Vec<Value> {
        self.report["findings"].as_array().unwrap()
    }

    fn outcomes(&self) -> BTreeSet<Outcome> {
        outcomes(&self.report).into_iter().collect()
    }
}

/// `rampart audit --format json` of the demo account at `endpoint`, both regions.
fn audit(endpoint: &str, extra: &[&str]) -> Audit {
    let started = Instant::now();
    let (code, out, stderr) = run(rampart()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["audit", "--format", "json", "--endpoint-url", endpoint])
        .args(REGIONS)
        .args(extra));
    let elapsed = started.elapsed();
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("exit {code}, bad JSON ({e}): {out}\n{stderr}"));
    Audit { code, report, stderr, elapsed }
}

/// The findings of an audit straight to the emulator, no proxy, computed once.
fn clean() -> &'static BTreeSet<Outcome> {
    static CLEAN: OnceLock<BTreeSet<Outcome>> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let a = audit(seeded_emulator(), &[]);
        assert_eq!(a.code, 3, "the demo account has planted failures: {}", a.stderr);
        let outcomes = a.outcomes();
        assert!(outcomes.len() > 100, "{outcomes:?}");
        eprintln!("clean audit: {} findings in {:.1?}", outcomes.len(), a.elapsed);
        outcomes
    })
}

/// The demo account with [`BULK_SNAPSHOTS`] snapshots in [`SNAPSHOT_REGION`], one in 200
/// public; seeded once.
fn large_account() -> &'static str {
    static SEEDED: OnceLock<()> = OnceLock::new();
    let endpoint = seeded_emulator();
    SEEDED.get_or_init(|| {
        let out = std::process::Command::new(common::root().join("localstack/seed.sh"))
            .args([endpoint, "--bulk-snapshots", &BULK_SNAPSHOTS.to_string(), "--region", SNAPSHOT_REGION])
            .output()
            .expect("run seed.sh");
        assert!(out.status.success(), "seed.sh --bulk-snapshots failed: {}", String::from_utf8_lossy(&out.stderr));
    });
    endpoint
}

/// The findings of a clean audit of the large account (three regions), computed once, and
/// how long it took.
fn clean_large() -> &'static (BTreeSet<Outcome>, Duration) {
    static CLEAN: OnceLock<(BTreeSet<Outcome>, Duration)> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let a = audit(large_account(), &["--region", SNAPSHOT_REGION]);
        assert_eq!(a.code, 3, "{}", a.stderr);
        let snapshots: Vec<&Value> = a
            .findings()
            .iter()
            .filter(|f| f["check_id"] == "ec2_ebs_public_snapshot" && f["region"] == SNAPSHOT_REGION)
            .collect();
        assert_eq!(snapshots.len(), BULK_SNAPSHOTS, "every bulk snapshot judged once");
        let public = snapshots.iter().filter(|f| f["status"] == "FAIL").count();
        assert_eq!(public, BULK_SNAPSHOTS / 200, "one in 200 is public");
        assert!(snapshots.iter().all(|f| f["status"] == "FAIL" || f["status"] == "PASS"));
        eprintln!("clean audit of the large account: {} findings in {:.1?}", a.findings().len(), a.elapsed);
        (a.outcomes(), a.elapsed)
    })
}

/// Asserts that the audit's findings of the checks that `select` keeps are `expected`;
/// otherwise says what differs, with the messages of this run's findings.
fn assert_same(expected: &BTreeSet<Outcome>, audit: &Audit, select: impl Fn(&str) -> bool) {
    let expected: BTreeSet<&Outcome> = expected.iter().filter(|(c, _, _)| select(c)).collect();
    let actual = audit.outcomes();
    let actual: BTreeSet<&Outcome> = actual.iter().filter(|(c, _, _)| select(c)).collect();
    if expected == actual {
        return;
    }
    let missing: Vec<String> = expected.difference(&actual).map(|(c, r, s)| format!("{c} {r} {s}")).collect();
    let extra: Vec<String> = actual
        .difference(&expected)
        .map(|(c, r, s)| {
            let message = audit
                .findings()
                .iter()
                .find(|f| f["check_id"] == c.as_str() && f["resource_id"] == r.as_str())
                .map(|f| f["message"].to_string())
                .unwrap_or_default();
            format!("{c} {r} {s}: {message}")
        })
        .collect();
    panic!(
        "findings differ from the clean run's\nonly in the clean run:\n  {}\nonly in this run:\n  {}",
        missing.join("\n  "),
        extra.join("\n  ")
    );
}

fn is_kms_check(id: &str) -> bool {
    // The only checks that read the KMS inventory (keys, aliases); no other check needs
    // KMS data, which the comparison below with the clean run confirms.
    id.starts_with("kms_")
}

#[test]
fn absorbs_30_percent_throttling_by_retrying() {
    // The large account: the demo account and 2,000 snapshots in a third region. At most 3
    // throttles for one call: with 8 attempts each call gets through, whatever the
    // interleaving of the concurrent calls.
    let (clean, clean_time) = clean_large();
    let proxy = Proxy::start(large_account(), Faults { throttle_tenths: 3, max_faults_per_call: 3, ..Faults::default() });
    let throttled = audit(&proxy.url, &["--max-attempts", "8", "--region", SNAPSHOT_REGION]);
    let seen = proxy.seen();
    eprintln!(
        "throttled audit of the large account: {} requests in {:.1?} ({:.1}x the clean {:.1?})",
        seen.len(),
        throttled.elapsed,
        throttled.elapsed.as_secs_f64() / clean_time.as_secs_f64(),
        clean_time
    );
    // Public snapshots come from one listing per region, not a call per snapshot.
    assert!(!seen.iter().any(|s| s.action == "DescribeSnapshotAttribute"), "a call per snapshot was made");
    let listings = seen.iter().filter(|s| s.action == "DescribeSnapshots" && s.region == SNAPSHOT_REGION && s.fault.is_none()).count();
    assert_eq!(listings, 2, "the owned snapshots and the public ones, one page each");

    // The proxy did throttle, in every protocol that Rampart speaks, and the SDK retried.
    let count = |p: Protocol, f: Option<Fault>| seen.iter().filter(|s| s.protocol == p && s.fault == f).count();
    let protocols: BTreeSet<Protocol> = seen.iter().map(|s| s.protocol).collect();
    for p in [Protocol::Query, Protocol::Ec2, Protocol::S3, Protocol::Json, Protocol::RestJson, Protocol::Cbor] {
        assert!(protocols.contains(&p), "no {p:?} request: {seen:#?}");
    }
    for p in &protocols {
        eprintln!("  {p:?}: {} throttled, {} answered", count(*p, Some(Fault::Throttled)), count(*p, None));
    }
    timeline(&seen);
    if std::env::var("FAULTS_TRACE").is_ok() {
        for s in &seen {
            eprintln!("{:>7.1?} {:>18} {:<10} {:<36} {:?} {:?} {}", s.at, s.service, s.region, s.action, s.attempt, s.fault, s.status);
        }
    }
    for p in [Protocol::Query, Protocol::Ec2, Protocol::S3, Protocol::Json, Protocol::RestJson] {
        assert!(count(p, Some(Fault::Throttled)) > 0, "no {p:?} request was throttled");
    }
    let throttles = seen.iter().filter(|s| s.fault == Some(Fault::Throttled)).count();
    assert!(throttles * 10 >= seen.len() * 2, "{throttles} of {} requests throttled", seen.len());
    assert_retried(&seen, Fault::Throttled);

    assert_eq!(throttled.code, 3, "{}", throttled.stderr);
    assert_same(clean, &throttled, |_| true);
}

#[test]
fn every_protocol_s_throttling_error_is_understood() {
    // Every call's first attempt is throttled, in its protocol's shape; the second goes
    // through. A shape the SDK did not take for throttling (a 400) would not be retried, and
    // the findings would differ. Two checks that read a service of each protocol whose
    // throttling answer is an HTTP 400, which only its error code makes retryable:
    // GuardDuty (REST-JSON), CloudTrail and CloudWatch Logs (JSON), CloudWatch (CBOR) and
    // SNS (Query). EC2 and S3 throttle with a 503, retried as a server error anyway; the
    // 30 % test sees them throttled. (The full audit takes minutes under throttling.)
    let checks = ["guardduty_is_enabled", "cloudwatch_log_metric_filter_root_usage"];
    let proxy = Proxy::start(seeded_emulator(), Faults { throttle_tenths: 10, max_faults_per_call: 1, ..Faults::default() });
    let throttled = audit(&proxy.url, &["--max-attempts", "3", "--checks", &checks.join(",")]);
    let seen = proxy.seen();
    eprintln!("audit with every call throttled once: {} requests in {:.1?}", seen.len(), throttled.elapsed);
    timeline(&seen);
    let protocols: BTreeSet<Protocol> = seen.iter().filter(|s| s.fault == Some(Fault::Throttled)).map(|s| s.protocol).collect();
    assert_eq!(protocols, BTreeSet::from([Protocol::Query, Protocol::Json, Protocol::RestJson, Protocol::Cbor]));
    assert_retried(&seen, Fault::Throttled);
    assert_eq!(throttled.code, 3, "{}", throttled.stderr);
    let clean = clean();
    let judged: BTreeSet<&str> = clean.iter().map(|(c, _, _)| c.as_str()).filter(|c| checks.contains(c)).collect();
    assert_eq!(judged, BTreeSet::from(checks));
    assert_same(clean, &throttled, |c| checks.contains(&c));
}

#[test]
fn server_errors_are_retried() {
    let proxy = Proxy::start(seeded_emulator(), Faults { server_error_tenths: 2, max_faults_per_call: 2, ..Faults::default() });
    let audit = audit(&proxy.url, &["--max-attempts", "4"]);
    let seen = proxy.seen();
    eprintln!("audit with HTTP 500s: {} requests in {:.1?}", seen.len(), audit.elapsed);
    assert!(seen.iter().filter(|s| s.fault == Some(Fault::ServerError)).count() * 10 >= seen.len(), "{seen:#?}");
    assert_retried(&seen, Fault::ServerError);
    assert_eq!(audit.code, 3, "{}", audit.stderr);
    assert_same(clean(), &audit, |_| true);
}

/// Prints, per signing name and region, the requests, throttles and time span.
fn timeline(seen: &[Seen]) {
    let mut spans: std::collections::BTreeMap<(String, String), (usize, usize, Duration, Duration)> = Default::default();
    for s in seen {
        let e = spans.entry((s.service.clone(), s.region.clone())).or_insert((0, 0, s.at, s.at));
        e.0 += 1;
        e.1 += usize::from(s.fault == Some(Fault::Throttled));
        e.2 = e.2.min(s.at);
        e.3 = e.3.max(s.at);
    }
    for ((service, region), (n, t, first, last)) in spans {
        eprintln!("  {service:>18} {region:<10} {n:>3} requests {t:>3} throttled  {first:>6.1?} .. {last:>6.1?}");
    }
}

/// Every attempt that the proxy faulted was followed by the next attempt of the same call,
/// unless it was the last one allowed.
fn assert_retried(seen: &[Seen], fault: Fault) {
    let attempts: BTreeSet<(&str, u32)> = seen
        .iter()
        .map(|s| {
            let id = s.invocation.as_deref().expect("the SDK sends amz-sdk-invocation-id");
            (id, s.attempt.expect("the SDK sends amz-sdk-request").0)
        })
        .collect();
    for s in seen.iter().filter(|s| s.fault == Some(fault)) {
        let (attempt, max) = s.attempt.unwrap();
        if attempt < max {
            let next = (s.invocation.as_deref().unwrap(), attempt + 1);
            assert!(attempts.contains(&next), "{}:{} was not retried after {fault:?}: {s:?}", s.service, s.action);
        }
    }
}

#[test]
fn kms_denied_makes_only_the_kms_checks_errors() {
    let proxy = Proxy::start(seeded_emulator(), Faults { deny: vec!["kms".into()], ..Faults::default() });
    let denied = audit(&proxy.url, &[]);
    let seen = proxy.seen();
    assert!(seen.iter().any(|s| s.service == "kms" && s.fault == Some(Fault::Denied)), "KMS was not called");
    assert!(seen.iter().filter(|s| s.service == "kms").all(|s| s.status == 403));
    assert_eq!(denied.code, 3, "{}", denied.stderr);

    let kms: Vec<&Value> = denied.findings().iter().filter(|f| is_kms_check(f["check_id"].as_str().unwrap())).collect();
    assert!(!kms.is_empty());
    for f in &kms {
        assert_eq!(f["status"], "ERROR", "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("access denied") && message.contains("kms:"), "{f}");
    }
    // Each KMS check says so in each region.
    let kms_checks: BTreeSet<&str> = kms.iter().map(|f| f["check_id"].as_str().unwrap()).collect();
    for check in &kms_checks {
        for region in ["us-east-1", "eu-west-1"] {
            assert!(kms.iter().any(|f| f["check_id"] == *check && f["region"] == region), "{check}: nothing in {region}");
        }
    }
    // The clean run judged the same checks PASS or FAIL: the test means something.
    let clean = clean();
    assert!(clean.iter().any(|(c, _, s)| is_kms_check(c) && (s == "PASS" || s == "FAIL")));
    assert_eq!(kms_checks, clean.iter().map(|(c, _, _)| c.as_str()).filter(|c| is_kms_check(c)).collect());

    assert_same(clean, &denied, |c| !is_kms_check(c));
}

#[test]
fn slow_answers_time_out_into_errors() {
    // Everything but STS GetCallerIdentity (without which Rampart cannot start, answered
    // by the proxy itself so that a busy emulator cannot make it late) answers after 3 s,
    // beyond the 1 s an attempt may take; one attempt per call.
    let delay = Duration::from_secs(3);
    let proxy = Proxy::start(
        seeded_emulator(),
        Faults { delay: Some(delay), spare: vec!["sts".into()], answer_caller_identity: true, ..Faults::default() },
    );
    let slow = audit(&proxy.url, &["--attempt-timeout", "1", "--max-attempts", "1"]);
    let seen = proxy.seen();
    eprintln!("audit with slow answers: {} requests in {:.1?}", seen.len(), slow.elapsed);
    assert!(slow.elapsed < Duration::from_secs(60), "took {:?}", slow.elapsed);
    assert_eq!(slow.code, 4, "every finding is an ERROR: {}", slow.stderr);
    assert!(seen.iter().filter(|s| s.service != "sts").all(|s| s.fault == Some(Fault::Delayed)));

    let checks = slow.report["scope"]["checks"].as_array().unwrap();
    for check in checks {
        assert!(slow.findings().iter().any(|f| &f["check_id"] == check), "no finding for {check}");
    }
    for f in slow.findings() {
        assert_eq!(f["status"], "ERROR", "{f}");
    }
    // Account-wide conclusions drawn from regional findings: their message names the
    // undecided regions, whose own findings carry the reason (checked here too).
    let derived = |f: &Value| {
        f["check_id"] == "config_recorder_all_regions_enabled"
            && f["region"] == "global"
            && f["message"].as_str().unwrap().contains("undecided")
    };
    let without_reason: Vec<String> = slow
        .findings()
        .iter()
        .filter(|f| !derived(f))
        .filter(|f| !f["message"].as_str().unwrap().contains("timed out"))
        .map(|f| format!("{} {}: {}", f["check_id"], f["resource_id"], f["message"]))
        .collect();
    assert!(without_reason.is_empty(), "ERROR findings that do not say the call timed out:\n{}", without_reason.join("\n"));
}

#[test]
fn one_slow_service_times_out_alone() {
    // KMS answers after 25 s, beyond a 20 s attempt timeout; the other services answer as
    // they do. (Moto takes about 2 s for IAM GetAccountAuthorizationDetails alone, several
    // times that while the other tests audit it too: a short timeout would cut it off.)
    let proxy = Proxy::start(
        seeded_emulator(),
        Faults { delay: Some(Duration::from_secs(25)), delay_only: vec!["kms".into()], ..Faults::default() },
    );
    let slow = audit(&proxy.url, &["--attempt-timeout", "20", "--max-attempts", "1"]);
    eprintln!("audit with slow KMS: {:.1?}", slow.elapsed);
    assert!(slow.elapsed < Duration::from_secs(90), "took {:?}", slow.elapsed);
    assert_eq!(slow.code, 3, "{}", slow.stderr);
    for f in slow.findings().iter().filter(|f| is_kms_check(f["check_id"].as_str().unwrap())) {
        assert_eq!(f["status"], "ERROR", "{f}");
        assert!(f["message"].as_str().unwrap().contains("timed out"), "{f}");
    }
    assert_same(clean(), &slow, |c| !is_kms_check(c));
}

#[test]
fn the_deadline_ends_the_audit_with_a_report_of_what_was_read() {
    // KMS answers after two minutes; the audit may take 40 s. (The rest of the demo account
    // takes a few seconds, more while the other tests audit the emulator too.)
    let proxy = Proxy::start(
        seeded_emulator(),
        Faults { delay: Some(Duration::from_secs(120)), delay_only: vec!["kms".into()], ..Faults::default() },
    );
    let late = audit(&proxy.url, &["--deadline", "40s", "--attempt-timeout", "300"]);
    eprintln!("audit with a 40 s deadline and a KMS that answers in 120 s: {:.1?}", late.elapsed);
    assert!(late.elapsed >= Duration::from_secs(39), "ended before the deadline: {:?}", late.elapsed);
    assert!(late.elapsed < Duration::from_secs(60), "the deadline did not end it: {:?}", late.elapsed);
    // The demo account has failures: exit 3 (without them, the ERROR findings give 4).
    assert_eq!(late.code, 3, "{}", late.stderr);
    let kms: Vec<&Value> = late.findings().iter().filter(|f| is_kms_check(f["check_id"].as_str().unwrap())).collect();
    assert!(!kms.is_empty());
    for f in kms {
        assert_eq!(f["status"], "ERROR", "{f}");
        assert!(f["message"].as_str().unwrap().contains("deadline reached before kms:"), "{f}");
    }
    assert_same(clean(), &late, |c| !is_kms_check(c));
}

#[test]
fn a_retry_waiting_at_the_deadline_does_not_outlast_it() {
    // Every request throttled, every time: calls retry with backoffs growing to 8 s, until
    // the deadline. A backoff begun before it ends at it, so the audit ends at the deadline,
    // not up to 8 s after.
    let checks = "kms_cmk_rotation_enabled,ec2_ebs_default_encryption,iam_password_policy_minimum_length_14";
    let proxy = Proxy::start(
        seeded_emulator(),
        Faults { throttle_tenths: 10, max_faults_per_call: 0, spare: vec!["sts".into()], answer_caller_identity: true, ..Faults::default() },
    );
    let deadline = Duration::from_secs(6);
    let late = audit(&proxy.url, &["--deadline", "6s", "--max-attempts", "20", "--retry-mode", "standard", "--checks", checks]);
    eprintln!("audit with everything throttled and a 6 s deadline: {:.1?}", late.elapsed);
    assert!(late.elapsed >= deadline, "ended before the deadline: {:?}", late.elapsed);
    assert!(late.elapsed < deadline + Duration::from_secs(3), "a retry's backoff outlasted the deadline: {:?}", late.elapsed);
    assert_eq!(late.code, 4, "{}", late.stderr);
    assert!(!late.findings().is_empty());
    for f in late.findings() {
        assert_eq!(f["status"], "ERROR", "{f}");
    }
}

/// The most requests of one (service, region) that were in flight at the same moment.
fn most_in_flight(seen: &[Seen]) -> (usize, String) {
    // S3 and S3 Control both sign as `s3` but are two clients, each with its own bound: tell
    // them apart by protocol.
    let mut events: std::collections::BTreeMap<(String, String, Protocol), Vec<(Duration, i32)>> = Default::default();
    for s in seen {
        let answered = s.answered.expect("every request was answered");
        let e = events.entry((s.service.clone(), s.region.clone(), s.protocol)).or_default();
        e.push((s.at, 1));
        e.push((answered, -1));
    }
    let mut most = (0, String::new());
    for ((service, region, _), mut e) in events {
        // At equal times the answer comes first: a permit is released before it is reused.
        e.sort();
        let mut now = 0i32;
        for (_, delta) in e {
            now += delta;
            if now as usize > most.0 {
                most = (now as usize, format!("{service} {region}"));
            }
        }
    }
    most
}

#[test]
fn requests_in_flight_per_service_and_region_stay_within_the_bound() {
    // Slow answers make the collectors' requests pile up; the bound must hold them back.
    let slow = || Faults {
        delay: Some(Duration::from_millis(150)),
        spare: vec!["sts".into()],
        ..Faults::default()
    };
    let proxy = Proxy::start(seeded_emulator(), slow());
    let bounded = audit(&proxy.url, &["--max-in-flight", "2"]);
    let (most, at) = most_in_flight(&proxy.seen());
    eprintln!("--max-in-flight 2: at most {most} at once ({at}), {:.1?}", bounded.elapsed);
    assert!(most <= 2, "{most} requests in flight at once to {at}");
    assert_eq!(bounded.code, 3, "{}", bounded.stderr);
    assert_same(clean(), &bounded, |_| true);

    // The same audit with a loose bound does send more at once: the assertion above can fail.
    let proxy = Proxy::start(seeded_emulator(), slow());
    let loose = audit(&proxy.url, &["--max-in-flight", "32"]);
    let (most, at) = most_in_flight(&proxy.seen());
    eprintln!("--max-in-flight 32: at most {most} at once ({at}), {:.1?}", loose.elapsed);
    assert!(most > 2, "only {most} at once without a tight bound");
}

/// The retry modes the benchmarks compare: all of them, or those named in
/// `RAMPART_BENCH_MODES` (comma-separated).
fn bench_modes() -> Vec<String> {
    match std::env::var("RAMPART_BENCH_MODES") {
        Ok(modes) => modes.split(',').map(str::to_string).collect(),
        Err(_) => ["standard", "adaptive", "window", "paced"].map(str::to_string).to_vec(),
    }
}

/// The distinct messages of an audit's ERROR findings, with how many findings say each.
fn error_messages(audit: &Audit) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for f in audit.findings().iter().filter(|f| f["status"] == "ERROR") {
        *counts.entry(f["message"].as_str().unwrap_or_default().chars().take(160).collect()).or_default() += 1;
    }
    counts.into_iter().map(|(m, n)| format!("    {n} × {m}")).collect::<Vec<_>>().join("\n")
}

/// A benchmark, not a test (run it by name with `--ignored --nocapture`): each retry mode
/// against a proxy that rate-limits every (service, region) with a token bucket, as AWS
/// does, at several rates. Prints wall time, requests sent, requests throttled and whether
/// the findings are those of the clean run; docs/benchmarks.md records the numbers.
#[test]
#[ignore = "a benchmark: run by name with --ignored --nocapture"]
fn bench_retry_modes_under_a_rate_limit() {
    use common::proxy::RateLimit;
    let clean = clean();
    eprintln!("| rate limit per service and region | retry mode | --max-in-flight | wall time | requests | throttled | findings as clean run |");
    eprintln!("|---|---|---|---|---|---|---|");
    for (per_second, burst) in [(5.0, 10.0), (2.0, 5.0), (1.0, 2.0)] {
        for in_flight in ["8"] {
            for mode in bench_modes() {
                let limit = RateLimit { per_second, burst };
                let proxy = Proxy::start(seeded_emulator(), Faults { rate_limit: Some(limit), ..Faults::default() });
                let mut args = vec!["--max-attempts", "6", "--retry-mode", &mode, "--max-in-flight", in_flight];
                // RAMPART_BENCH_STDERR: each audit's log, with its retry decisions (-vv).
                if std::env::var_os("RAMPART_BENCH_STDERR").is_some() {
                    args.push("-vv");
                }
                let a = audit(&proxy.url, &args);
                let seen = proxy.seen();
                let throttled = seen.iter().filter(|s| s.fault == Some(Fault::Throttled)).count();
                let same = a.outcomes() == *clean;
                let errors = a.findings().iter().filter(|f| f["status"] == "ERROR").count();
                eprintln!(
                    "| {per_second}/s, burst {burst} | {mode} | {in_flight} | {:.1} s | {} | {throttled} | {} |",
                    a.elapsed.as_secs_f64(),
                    seen.len(),
                    if same { "yes".to_string() } else { format!("no ({errors} ERROR)") }
                );
                if !same && std::env::var_os("RAMPART_BENCH_ERRORS").is_some() {
                    eprintln!("{}", error_messages(&a));
                }
                if std::env::var_os("RAMPART_BENCH_STDERR").is_some() {
                    eprintln!("{}", a.stderr);
                }
            }
        }
    }
}

/// Each retry mode under random throttling that does not depend on Rampart's rate (other
/// callers use the account's budget): 30 % of requests throttled, at most 3 times per call.
/// Prints a markdown table for docs/benchmarks.md. Run on purpose:
/// `scripts/test.sh --test faults -- --ignored --nocapture bench_retry_modes_under_random_throttling`
#[test]
#[ignore = "a benchmark: minutes of audits"]
fn bench_retry_modes_under_random_throttling() {
    let (clean, clean_time) = clean_large();
    eprintln!("clean audit of the large account: {:.1} s", clean_time.as_secs_f64());
    eprintln!("| throttled at random | retry mode | wall time | × clean | requests | throttled | findings as clean run |");
    eprintln!("|---|---|---|---|---|---|---|");
    for mode in bench_modes() {
        let proxy = Proxy::start(large_account(), Faults { throttle_tenths: 3, max_faults_per_call: 3, ..Faults::default() });
        let a = audit(&proxy.url, &["--max-attempts", "8", "--retry-mode", &mode, "--region", SNAPSHOT_REGION]);
        let seen = proxy.seen();
        let throttled = seen.iter().filter(|s| s.fault == Some(Fault::Throttled)).count();
        let errors = a.findings().iter().filter(|f| f["status"] == "ERROR").count();
        let same = a.outcomes() == *clean;
        eprintln!(
            "| 30 %, at most 3 per call | {mode} | {:.1} s | {:.1} | {} | {throttled} | {} |",
            a.elapsed.as_secs_f64(),
            a.elapsed.as_secs_f64() / clean_time.as_secs_f64(),
            seen.len(),
            if same { "yes".to_string() } else { format!("no ({errors} ERROR)") }
        );
        if !same && std::env::var_os("RAMPART_BENCH_ERRORS").is_some() {
            eprintln!("{}", error_messages(&a));
        }
    }
}
