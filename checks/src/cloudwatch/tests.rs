//! Tests of the shared monitoring walk, link by link, with a one-event test control.

use super::testing::*;
use crate::cloudtrail::testing::*;
use crate::testing::*;
use super::*;
use crate::finding::Status;
use crate::inventory::Collected;
use crate::inventory::cloudtrail::{EventSelectors, TrailStatus};
use crate::registry::Findings;

fn required() -> Vec<events::Event> {
    vec![events::api_call("iam.amazonaws.com", "CreateUser")]
}

fn negative() -> Vec<events::Event> {
    vec![events::read_call("iam.amazonaws.com", "ListUsers")]
}

static SPEC: Spec = Spec { watches: "user creations", required, negative };

const GOOD: &str = "{ $.eventName = CreateUser }";

fn check(account: &AccountInventory) -> (Status, String) {
    let mut out = Findings::new();
    evaluate_spec(account, &SPEC, &mut out);
    let recorded = out.into_recorded();
    let r = only(&recorded);
    assert_eq!(r.resource.id, ACCOUNT);
    (r.status, r.message.clone())
}

fn assert_status(account: &AccountInventory, status: Status, needles: &[&str]) {
    let (got, message) = check(account);
    assert_eq!(got, status, "{message}");
    for n in needles {
        assert!(message.contains(n), "message {message:?} should mention {n:?}");
    }
}

fn first_trail(account: &mut AccountInventory) -> &mut Trail {
    &mut known_mut(&mut account.cloudtrail.trails)[0]
}

#[test]
fn complete_chain_passes_and_names_every_link() {
    assert_status(
        &monitored(GOOD),
        Status::Pass,
        &[
            "trail main",
            "log group aws-cloudtrail-logs (eu-west-1)",
            "filter cis",
            "metric CISBenchmark/CisMetric",
            "alarm cis-alarm",
            TOPIC,
            "1 confirmed",
        ],
    );
}

#[test]
fn trail_links() {
    let mut a = cloudwatch_account();
    assert_status(&a, Status::Fail, &["no CloudTrail trail"]);
    a.cloudtrail.trails = denied();
    assert_status(&a, Status::Error, &["trails could not be listed", "AccessDenied"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).is_multi_region_trail = false;
    assert_status(&a, Status::Fail, &["trail main is single-region"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).status = Collected::Known(TrailStatus { is_logging: false });
    assert_status(&a, Status::Fail, &["trail main is not logging"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).selectors =
        Collected::Known(EventSelectors { basic: vec![basic_management("WriteOnly")], advanced: vec![] });
    assert_status(&a, Status::Fail, &["does not record all read and write management events"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).cloud_watch_logs_log_group_arn = None;
    assert_status(&a, Status::Fail, &["trail main does not deliver to CloudWatch Logs"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).status = denied();
    assert_status(&a, Status::Error, &["status of trail main could not be read"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).selectors = denied();
    assert_status(&a, Status::Error, &["event selectors of trail main could not be read"]);

    // Advanced selectors recording all management events count.
    let mut a = monitored(GOOD);
    first_trail(&mut a).selectors = Collected::Known(EventSelectors {
        basic: vec![],
        advanced: vec![advanced(vec![fs("eventCategory", &["Management"])])],
    });
    assert_status(&a, Status::Pass, &[]);
}

#[test]
fn a_known_gap_further_down_beats_an_unreadable_trail_status() {
    let mut a = monitored(GOOD);
    first_trail(&mut a).status = denied();
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms).clear();
    assert_status(&a, Status::Fail, &["no alarm watches its metric CISBenchmark/CisMetric"]);
}

#[test]
fn one_passing_trail_is_enough_even_if_another_is_unreadable() {
    let mut a = monitored(GOOD);
    let mut other = trail("other");
    other.status = denied();
    known_mut(&mut a.cloudtrail.trails).insert(0, other);
    assert_status(&a, Status::Pass, &["trail main"]);
}

#[test]
fn log_group_links() {
    let mut a = monitored(GOOD);
    first_trail(&mut a).cloud_watch_logs_log_group_arn =
        Some("arn:aws:logs:us-east-1:999999999999:log-group:org-trail:*".into());
    assert_status(&a, Status::Error, &["account 999999999999"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).cloud_watch_logs_log_group_arn = Some(log_group_arn("eu-west-3", LOG_GROUP));
    assert_status(&a, Status::Error, &["region eu-west-3 was not collected"]);

    let mut a = monitored(GOOD);
    first_trail(&mut a).cloud_watch_logs_log_group_arn = Some("not-an-arn".into());
    assert_status(&a, Status::Error, &["not-an-arn"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).logs.metric_filters)[0].log_group_name = "some-other-group".into();
    assert_status(&a, Status::Fail, &["log group aws-cloudtrail-logs (eu-west-1) has no metric filter"]);

    let mut a = monitored(GOOD);
    region(&mut a).logs.metric_filters = denied();
    assert_status(&a, Status::Error, &["metric filters in eu-west-1 could not be read"]);
}

#[test]
fn filter_links() {
    assert_status(
        &monitored("{ $.eventName = DeleteUser }"),
        Status::Fail,
        &["filter cis does not match iam:CreateUser"],
    );
    assert_status(
        &monitored("{ $.eventSource = iam.amazonaws.com }"),
        Status::Fail,
        &["vacuous or over-broad", "iam:ListUsers"],
    );
    assert_status(&monitored(""), Status::Fail, &["vacuous", "ec2:DescribeInstances"]);
    assert_status(&monitored("{ $.eventName = * }"), Status::Fail, &["vacuous", "ec2:DescribeInstances"]);
    // CloudWatch accepted a pattern Rampart does not parse: Rampart's grammar is narrower,
    // so the filter cannot be judged.
    assert_status(&monitored("{ $.eventName = "), Status::Error, &["filter cis: syntax error", "could not be evaluated"]);

    // A malformed filter does not hide a good one next to it.
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).logs.metric_filters).insert(0, metric_filter("broken", "{ (", "CisMetric"));
    assert_status(&a, Status::Pass, &["filter cis"]);

    // A pattern Rampart cannot evaluate, on a complete chain: cannot decide.
    assert_status(&monitored("{ $.eventName = %CreateUs.r% }"), Status::Error, &["regular expressions", "filter cis"]);
    // … but without an alarm on its metric it could not pass anyway.
    let mut a = monitored("{ $.eventName = %CreateUs.r% }");
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms).clear();
    assert_status(&a, Status::Fail, &["no alarm watches its metric"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).logs.metric_filters)[0].metric_transformations.clear();
    assert_status(&a, Status::Fail, &["publishes no metric"]);
}

#[test]
fn filter_reasons_are_listed_closest_first_and_capped() {
    let mut a = monitored("{ $.eventName = Nothing }");
    let filters = known_mut(&mut region(&mut a).logs.metric_filters);
    for i in 0..6 {
        filters.push(metric_filter(&format!("extra{i}"), "{ $.eventName = Nope }", "Other"));
    }
    filters.push(metric_filter("broad", "{ $.eventVersion = * }", "Other"));
    let (status, message) = check(&a);
    assert_eq!(status, Status::Fail);
    assert!(message.find("filter broad").unwrap() < message.find("filter cis").unwrap_or(usize::MAX), "{message}");
    assert!(message.contains("more filter(s)"), "{message}");
}

#[test]
fn alarm_links() {
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms).clear();
    assert_status(&a, Status::Fail, &["counts user creations but no alarm watches its metric CISBenchmark/CisMetric"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].namespace = Some("Other".into());
    assert_status(&a, Status::Fail, &["no alarm watches its metric"]);

    // A metric-math alarm over the filter's metric counts.
    let mut a = monitored(GOOD);
    let alarm = &mut known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0];
    alarm.metric_name = None;
    alarm.namespace = None;
    alarm.metrics = vec![(NAMESPACE.to_string(), "CisMetric".to_string())];
    assert_status(&a, Status::Pass, &["alarm cis-alarm"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].actions_enabled = false;
    assert_status(&a, Status::Fail, &["alarm cis-alarm has its actions disabled"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].alarm_actions =
        vec!["arn:aws:automate:us-east-1:ec2:stop".into(), "arn:aws:lambda:us-east-1:123456789012:function:f".into()];
    assert_status(&a, Status::Fail, &["notifies no SNS topic"]);

    let mut a = monitored(GOOD);
    region(&mut a).cloudwatch.metric_alarms = denied();
    assert_status(&a, Status::Error, &["alarms in eu-west-1 could not be read"]);
}

#[test]
fn notification_links() {
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).sns.subscriptions)[0] = subscription(TOPIC, false);
    assert_status(&a, Status::Fail, &["which has no confirmed subscription (1 pending confirmation)"]);

    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).sns.subscriptions).clear();
    assert_status(&a, Status::Fail, &["no confirmed subscription"]);

    // A second topic with a subscriber is enough.
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).sns.subscriptions)[0] = subscription(TOPIC, false);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].alarm_actions.push(topic_arn("backup"));
    known_mut(&mut region(&mut a).sns.subscriptions).push(subscription("backup", true));
    assert_status(&a, Status::Pass, &["backup"]);

    let mut a = monitored(GOOD);
    region(&mut a).sns.subscriptions = denied();
    assert_status(&a, Status::Error, &["SNS subscriptions in eu-west-1 could not be read"]);

    // A topic in another account: its subscribers are not visible from here.
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].alarm_actions =
        vec![format!("arn:aws:sns:{REGION}:999999999999:central")];
    assert_status(&a, Status::Error, &["account 999999999999"]);

    // A topic in a region that was not collected.
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms)[0].alarm_actions = vec![format!("arn:aws:sns:ap-south-2:{ACCOUNT}:t")];
    assert_status(&a, Status::Error, &["ap-south-2 were not collected"]);
}

#[test]
fn the_deepest_gap_is_reported() {
    // Trail "a" is single-region; trail "main" gets as far as the alarm.
    let mut a = monitored(GOOD);
    let mut single = trail("a");
    single.is_multi_region_trail = false;
    known_mut(&mut a.cloudtrail.trails).insert(0, single);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms).clear();
    let (status, message) = check(&a);
    assert_eq!(status, Status::Fail);
    assert!(message.contains("no alarm watches") && !message.contains("single-region"), "{message}");
}

#[test]
fn fit_decisions() {
    let req = required();
    let neg = negative();
    assert_eq!(fit(GOOD, &req, &neg), Fit::Fits);
    assert_eq!(fit("{ $.eventName = X }", &req, &neg), Fit::Misses(vec!["iam:CreateUser".into()]));
    assert_eq!(fit("{ $.eventName = * }", &req, &neg), Fit::TooBroad("iam:ListUsers".into()));
    assert!(matches!(fit("{", &req, &neg), Fit::Invalid(e) if !e.is_unsupported()));
    let long = too_long(GOOD);
    assert_eq!(
        fit(&long, &req, &neg),
        Fit::Invalid(PatternError::TooLong { length: long.chars().count(), limit: 1024 })
    );
}

/// `pattern` (a JSON pattern) padded with a never-matching `||` alternative to just over
/// CloudWatch's 1,024-character limit: a pattern that would fit if it could be stored.
fn too_long(pattern: &str) -> String {
    let body = pattern.trim().trim_start_matches('{').trim_end_matches('}').trim();
    let padded = format!("{{ ({body}) || $.eventName = \"{}\" }}", "x".repeat(1024));
    assert!(padded.chars().count() > 1024);
    padded
}

#[test]
fn a_pattern_over_cloudwatchs_length_limit_is_an_error_not_a_verdict() {
    let long = too_long(GOOD);
    // Without the limit the pattern would fit the control (and the check pass).
    let unlimited = crate::filter_pattern::FilterPattern::parse_any_length(&long).unwrap();
    assert!(required().iter().all(|e| unlimited.matches(&e.json)));
    assert!(!negative().iter().any(|e| unlimited.matches(&e.json)));
    let length = long.chars().count().to_string();
    assert_status(
        &monitored(&long),
        Status::Error,
        &["filter cis", &length, "over CloudWatch Logs' limit of 1024 characters", "could not be evaluated"],
    );
    // Next to a good filter it does not hide the pass.
    let mut a = monitored(GOOD);
    known_mut(&mut region(&mut a).logs.metric_filters).insert(0, metric_filter("huge", &long, "CisMetric"));
    assert_status(&a, Status::Pass, &["filter cis"]);
    // A known gap further down the chain still decides, as for any undecidable filter.
    let mut a = monitored(&long);
    known_mut(&mut region(&mut a).cloudwatch.metric_alarms).clear();
    assert_status(&a, Status::Fail, &["no alarm watches its metric"]);
}

#[test]
fn a_too_long_pattern_is_an_error_for_every_monitoring_check() {
    // A pattern each control would FAIL (it matches none of the required events), padded past
    // the limit: every check reports ERROR with the reason instead of judging it.
    for check in CHECKS {
        let (status, message) = verdict(check, &monitored(&too_long("{ $.eventName = Nothing }")));
        assert_eq!(status, Status::Error, "{}: {message}", check.id);
        assert!(message.contains("over CloudWatch Logs' limit of 1024 characters"), "{}: {message}", check.id);
    }
}

#[test]
fn log_group_arns() {
    let lg = parse_log_group_arn("arn:aws:logs:eu-west-1:123456789012:log-group:CloudTrail/Default:*").unwrap();
    assert_eq!(
        (lg.region.as_str(), lg.account.as_str(), lg.name.as_str()),
        ("eu-west-1", "123456789012", "CloudTrail/Default")
    );
    assert!(parse_log_group_arn("arn:aws-cn:logs:cn-north-1:123456789012:log-group:g").is_some());
    for bad in [
        "",
        "arn:aws:logs:eu-west-1:123:log-group:",
        "arn:aws:s3:::bucket",
        "arn:aws:logs::123:log-group:g:*",
        "arn:aws:logs:r:1:log-group:g:*:x",
    ] {
        assert!(parse_log_group_arn(bad).is_none(), "{bad}");
    }
}
