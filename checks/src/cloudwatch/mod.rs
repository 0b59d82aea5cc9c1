//! CloudWatch checks: the CIS section 4 "monitoring" controls (measure `monitoring`).
//!
//! Every one of them asks the same question with a different set of events: is there a chain
//!
//! ```text
//! trail (multi-region, logging, all read+write management events, delivering to CloudWatch Logs)
//!   → metric filter on that log group whose pattern counts the control's events
//!   → metric alarm on the filter's metric (actions enabled)
//!   → SNS topic in the alarm's actions
//!   → at least one confirmed subscription
//! ```
//!
//! [`evaluate_spec`] walks that chain once per account; a check file only supplies its
//! [`Spec`]: which events the filter must count and which near misses it must not.
//!
//! The filter is judged by what it does: its pattern is parsed and evaluated
//! ([`crate::filter_pattern`]) against synthetic CloudTrail events ([`events`]). It satisfies
//! the control iff it matches every required event and none of the negative ones (the
//! control's near misses plus [`events::unrelated`]); a pattern that matches unrelated events,
//! such as `{ $.eventName = * }` or the empty pattern, is vacuous and does not count.
//!
//! The walk uses three-valued logic: a link that could not be read (`Unknown` inventory data,
//! a log group in another account, a pattern Rampart cannot evaluate or one longer than
//! CloudWatch accepts) makes the result ERROR unless another chain passes or a later link of
//! the same chain is known to be missing.

use std::collections::BTreeSet;

use crate::cloudtrail::{self, Tri};
use crate::filter_pattern::{FilterPattern, PatternError};
use crate::inventory::cloudtrail::Trail;
use crate::inventory::cloudwatch::MetricAlarm;
use crate::inventory::logs::{MetricFilter, MetricTransformation};
use crate::inventory::{AccountInventory, RegionInventory};
use crate::registry::{Check, Findings};

pub(crate) mod events;
#[cfg(test)]
pub(crate) mod testing;

mod cloudwatch_changes_to_network_acls_alarm_configured;
mod cloudwatch_changes_to_network_gateways_alarm_configured;
mod cloudwatch_changes_to_network_route_tables_alarm_configured;
mod cloudwatch_changes_to_vpcs_alarm_configured;
mod cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled;
mod cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled;
mod cloudwatch_log_metric_filter_authentication_failures;
mod cloudwatch_log_metric_filter_aws_organizations_changes;
mod cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk;
mod cloudwatch_log_metric_filter_for_s3_bucket_policy_changes;
mod cloudwatch_log_metric_filter_policy_changes;
mod cloudwatch_log_metric_filter_root_usage;
mod cloudwatch_log_metric_filter_security_group_changes;
mod cloudwatch_log_metric_filter_sign_in_without_mfa;
mod cloudwatch_log_metric_filter_unauthorized_api_calls;

/// The checks of this service, one line each (CIS v5.0.0 4.1 to 4.15, in order).
pub(crate) const CHECKS: &[&Check] = &[
    &cloudwatch_log_metric_filter_unauthorized_api_calls::CHECK,
    &cloudwatch_log_metric_filter_sign_in_without_mfa::CHECK,
    &cloudwatch_log_metric_filter_root_usage::CHECK,
    &cloudwatch_log_metric_filter_policy_changes::CHECK,
    &cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled::CHECK,
    &cloudwatch_log_metric_filter_authentication_failures::CHECK,
    &cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk::CHECK,
    &cloudwatch_log_metric_filter_for_s3_bucket_policy_changes::CHECK,
    &cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled::CHECK,
    &cloudwatch_log_metric_filter_security_group_changes::CHECK,
    &cloudwatch_changes_to_network_acls_alarm_configured::CHECK,
    &cloudwatch_changes_to_network_gateways_alarm_configured::CHECK,
    &cloudwatch_changes_to_network_route_tables_alarm_configured::CHECK,
    &cloudwatch_changes_to_vpcs_alarm_configured::CHECK,
    &cloudwatch_log_metric_filter_aws_organizations_changes::CHECK,
];

/// What one monitoring control watches.
pub(crate) struct Spec {
    /// For messages: "unauthorized API calls".
    pub watches: &'static str,
    /// Events the filter must count (one per event name the benchmark lists).
    pub required: fn() -> Vec<events::Event>,
    /// Near misses the filter must not count (besides [`events::unrelated`]).
    pub negative: fn() -> Vec<events::Event>,
}

/// How well one pattern fits a control.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fit {
    Fits,
    /// Labels of the required events it does not match.
    Misses(Vec<String>),
    /// Label of a negative event it matches.
    TooBroad(String),
    Invalid(PatternError),
}

/// Whether `pattern` matches every required event and no negative one.
pub(crate) fn fit(pattern: &str, required: &[events::Event], negative: &[events::Event]) -> Fit {
    let parsed = match FilterPattern::parse(pattern) {
        Ok(p) => p,
        Err(e) => return Fit::Invalid(e),
    };
    let misses: Vec<String> = required.iter().filter(|e| !parsed.matches(&e.json)).map(|e| e.label.clone()).collect();
    if !misses.is_empty() {
        return Fit::Misses(misses);
    }
    match negative.iter().find(|e| parsed.matches(&e.json)) {
        Some(e) => Fit::TooBroad(e.label.clone()),
        None => Fit::Fits,
    }
}

/// Runs the whole chain for one control and records one finding on the account.
pub(crate) fn evaluate_spec(account: &AccountInventory, spec: &Spec, out: &mut Findings) {
    let Some(trails) = cloudtrail::trails(account, out) else { return };
    let required = (spec.required)();
    let mut negative = events::unrelated();
    negative.extend((spec.negative)());
    let walk = Walk { account, required: &required, negative: &negative, watches: spec.watches };
    let verdict = any(trails.iter().map(|t| walk.trail(t)));
    let resource = account.resource();
    match verdict {
        Verdict::Pass(chain) => out.pass(resource, format!("{} are monitored: {chain}", spec.watches)),
        Verdict::Unknown(why) => out
            .error(resource, format!("cannot tell whether {} are monitored: {}", spec.watches, dedup(why).join("; "))),
        Verdict::Fail(gaps) => out.fail(resource, fail_message(spec.watches, gaps)),
    }
}

// ---------------------------------------------------------------------------------------
// Three-valued results

/// A missing link: how far down the chain it is (0 trail, 1 filter, 2 alarm, 3 notification)
/// and, among equally deep ones, how close it came (lower is closer).
#[derive(Debug, Clone, PartialEq)]
struct Gap {
    depth: u8,
    closeness: usize,
    text: String,
}

fn gap(depth: u8, closeness: usize, text: String) -> Verdict {
    Verdict::Fail(vec![Gap { depth, closeness, text }])
}

#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    /// The complete chain, for the message.
    Pass(String),
    Fail(Vec<Gap>),
    /// Why it could not be decided.
    Unknown(Vec<String>),
}

/// Kleene OR: the first pass wins (later alternatives are not evaluated); otherwise unknown
/// if any alternative is unknown; otherwise fail with every gap.
fn any(alternatives: impl Iterator<Item = Verdict>) -> Verdict {
    let (mut gaps, mut unknown) = (Vec::new(), Vec::new());
    for v in alternatives {
        match v {
            Verdict::Pass(chain) => return Verdict::Pass(chain),
            Verdict::Fail(g) => gaps.extend(g),
            Verdict::Unknown(u) => unknown.extend(u),
        }
    }
    if unknown.is_empty() { Verdict::Fail(gaps) } else { Verdict::Unknown(unknown) }
}

/// Kleene AND of a link and the rest of the chain: a known gap further down still decides.
fn and_then(link: Tri, rest: impl FnOnce() -> Verdict) -> Verdict {
    match link {
        Tri::No(why) => gap(0, 0, why),
        Tri::Yes => rest(),
        Tri::Unknown(why) => match rest() {
            Verdict::Pass(_) => Verdict::Unknown(vec![why]),
            Verdict::Fail(g) => Verdict::Fail(g),
            Verdict::Unknown(mut more) => {
                more.insert(0, why);
                Verdict::Unknown(more)
            }
        },
    }
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

const MAX_REASONS: usize = 4;

fn fail_message(watches: &str, gaps: Vec<Gap>) -> String {
    let Some(deepest) = gaps.iter().map(|g| g.depth).max() else {
        return format!("{watches} are not monitored: there is no CloudTrail trail to feed a metric filter");
    };
    let mut best: Vec<Gap> = gaps.into_iter().filter(|g| g.depth == deepest).collect();
    best.sort_by_key(|g| g.closeness);
    let texts = dedup(best.into_iter().map(|g| g.text).collect());
    let shown = texts.iter().take(MAX_REASONS).cloned().collect::<Vec<_>>().join("; ");
    let more = match texts.len().saturating_sub(MAX_REASONS) {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    let lead = match deepest {
        0 => {
            "no multi-region, logging trail that records all read and write management events delivers to CloudWatch Logs"
        }
        1 => "no metric filter counts them",
        2 => "no alarm watches the metric",
        _ => "no alarm notifies a confirmed subscriber",
    };
    format!("{watches} are not monitored: {lead}: {shown}{more}")
}

// ---------------------------------------------------------------------------------------
// The walk

/// A log group named by a trail's `CloudWatchLogsLogGroupArn`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogGroupRef {
    pub region: String,
    pub account: String,
    pub name: String,
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`.
pub(crate) fn parse_log_group_arn(arn: &str) -> Option<LogGroupRef> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "logs", region, account, "log-group", name, rest @ ..]
            if !region.is_empty() && !name.is_empty() && (rest.is_empty() || rest == ["*"]) =>
        {
            Some(LogGroupRef { region: region.to_string(), account: account.to_string(), name: name.to_string() })
        }
        _ => None,
    }
}

/// An SNS topic named in an alarm's actions: `arn:aws:sns:REGION:ACCOUNT:NAME`.
struct TopicRef<'a> {
    arn: &'a str,
    region: &'a str,
    account: &'a str,
}

fn parse_topic_arn(arn: &str) -> Option<TopicRef<'_>> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "sns", region, account, name] if !region.is_empty() && !name.is_empty() => {
            Some(TopicRef { arn, region, account })
        }
        _ => None,
    }
}

fn alarm_watches(alarm: &MetricAlarm, t: &MetricTransformation) -> bool {
    let direct = alarm.metric_name.as_deref() == Some(t.metric_name.as_str())
        && alarm.namespace.as_deref() == Some(t.metric_namespace.as_str());
    direct || alarm.metrics.iter().any(|(ns, name)| *ns == t.metric_namespace && *name == t.metric_name)
}

struct Walk<'a> {
    account: &'a AccountInventory,
    required: &'a [events::Event],
    negative: &'a [events::Event],
    watches: &'a str,
}

impl Walk<'_> {
    fn trail(&self, trail: &Trail) -> Verdict {
        let Some(arn) = trail.cloud_watch_logs_log_group_arn.as_deref().filter(|a| !a.is_empty()) else {
            return gap(0, 1, format!("trail {} does not deliver to CloudWatch Logs", trail.name));
        };
        let baseline = cloudtrail::records_all_management_events(trail);
        if let Tri::No(why) = baseline {
            return gap(0, 0, why);
        }
        and_then(baseline, || match parse_log_group_arn(arn) {
            None => {
                Verdict::Unknown(vec![format!("trail {} names a log group ARN Rampart cannot read: {arn}", trail.name)])
            }
            Some(lg) => self.log_group(trail, &lg),
        })
    }

    fn log_group(&self, trail: &Trail, lg: &LogGroupRef) -> Verdict {
        let where_ = format!("trail {} → log group {} ({})", trail.name, lg.name, lg.region);
        if lg.account != self.account.account_id {
            return Verdict::Unknown(vec![format!(
                "{where_} is in account {}, whose metric filters are not in this account's inventory",
                lg.account
            )]);
        }
        let Some(region) = self.account.regional.get(&lg.region) else {
            return Verdict::Unknown(vec![format!("{where_}: region {} was not collected", lg.region)]);
        };
        let filters = match region.logs.metric_filters.as_result() {
            Ok(f) => f,
            Err(why) => {
                return Verdict::Unknown(vec![format!("metric filters in {} could not be read: {why}", lg.region)]);
            }
        };
        let on_group: Vec<&MetricFilter> = filters.iter().filter(|f| f.log_group_name == lg.name).collect();
        if on_group.is_empty() {
            return gap(1, 0, format!("{where_} has no metric filter"));
        }
        let verdict = any(on_group.iter().map(|f| self.filter(&where_, &lg.region, region, f)));
        // One gap per log group for the filter level, naming each filter's problem.
        match verdict {
            Verdict::Fail(gaps) => {
                let (filter_level, deeper): (Vec<Gap>, Vec<Gap>) = gaps.into_iter().partition(|g| g.depth == 1);
                let mut out = deeper;
                if !filter_level.is_empty() {
                    let closeness = filter_level.iter().map(|g| g.closeness).min().unwrap_or(0);
                    let mut sorted = filter_level;
                    sorted.sort_by_key(|g| g.closeness);
                    let n = sorted.len();
                    let mut listed: Vec<String> = sorted.into_iter().take(MAX_REASONS).map(|g| g.text).collect();
                    if n > MAX_REASONS {
                        listed.push(format!("and {} more filter(s)", n - MAX_REASONS));
                    }
                    out.push(Gap { depth: 1, closeness, text: format!("{where_}: {}", listed.join(", ")) });
                }
                Verdict::Fail(out)
            }
            other => other,
        }
    }

    fn filter(&self, where_: &str, region_name: &str, region: &RegionInventory, f: &MetricFilter) -> Verdict {
        let name = &f.filter_name;
        let unsupported = match fit(&f.filter_pattern, self.required, self.negative) {
            Fit::Fits => None,
            Fit::Misses(labels) => {
                let others = match labels.len() {
                    1 => String::new(),
                    n => format!(" and {} other required event(s)", n - 1),
                };
                return gap(1, labels.len(), format!("filter {name} does not match {}{others}", labels[0]));
            }
            Fit::TooBroad(label) => {
                return gap(1, 0, format!("filter {name} is vacuous or over-broad: it also matches {label}"));
            }
            // A pattern Rampart's grammar does not parse (CloudWatch accepted it, so the
            // grammar is narrower than CloudWatch's), unsupported syntax, or a pattern longer
            // than CloudWatch stores (the inventory cannot be what CloudWatch holds): cannot
            // decide.
            Fit::Invalid(e) => Some(format!("{where_} → filter {name}: {e}; its pattern could not be evaluated")),
        };
        let link = match unsupported {
            None => Tri::Yes,
            Some(why) => Tri::Unknown(why),
        };
        let where_ = format!("{where_} → filter {name}");
        and_then(link, || {
            if f.metric_transformations.is_empty() {
                return gap(2, 0, format!("{where_} publishes no metric"));
            }
            any(f.metric_transformations.iter().map(|t| self.metric(&where_, region_name, region, t)))
        })
    }

    fn metric(&self, where_: &str, region_name: &str, region: &RegionInventory, t: &MetricTransformation) -> Verdict {
        let metric = format!("{}/{}", t.metric_namespace, t.metric_name);
        let alarms = match region.cloudwatch.metric_alarms.as_result() {
            Ok(a) => a,
            Err(why) => {
                return Verdict::Unknown(vec![format!("CloudWatch alarms in {region_name} could not be read: {why}")]);
            }
        };
        let watching: Vec<&MetricAlarm> = alarms.iter().filter(|a| alarm_watches(a, t)).collect();
        if watching.is_empty() {
            return gap(2, 0, format!("{where_} counts {} but no alarm watches its metric {metric}", self.watches));
        }
        let where_ = format!("{where_} → metric {metric}");
        any(watching.iter().map(|a| self.alarm(&where_, a)))
    }

    fn alarm(&self, where_: &str, alarm: &MetricAlarm) -> Verdict {
        let where_ = format!("{where_} → alarm {}", alarm.alarm_name);
        if !alarm.actions_enabled {
            return gap(3, 1, format!("{where_} has its actions disabled"));
        }
        let topics: Vec<TopicRef<'_>> = alarm.alarm_actions.iter().filter_map(|a| parse_topic_arn(a)).collect();
        if topics.is_empty() {
            return gap(3, 1, format!("{where_} notifies no SNS topic"));
        }
        any(topics.iter().map(|t| self.topic(&where_, t)))
    }

    fn topic(&self, where_: &str, topic: &TopicRef<'_>) -> Verdict {
        let Some(region) = self.account.regional.get(topic.region) else {
            return Verdict::Unknown(vec![format!(
                "{where_} notifies {}, but SNS subscriptions in {} were not collected",
                topic.arn, topic.region
            )]);
        };
        let subs = match region.sns.subscriptions.as_result() {
            Ok(s) => s,
            Err(why) => {
                return Verdict::Unknown(vec![format!(
                    "SNS subscriptions in {} could not be read: {why}",
                    topic.region
                )]);
            }
        };
        let of_topic: Vec<_> = subs.iter().filter(|s| s.topic_arn == topic.arn).collect();
        let confirmed = of_topic.iter().filter(|s| s.confirmed()).count();
        if confirmed > 0 {
            return Verdict::Pass(format!("{where_} → topic {} ({confirmed} confirmed subscription(s))", topic.arn));
        }
        if topic.account != self.account.account_id {
            return Verdict::Unknown(vec![format!(
                "{where_} notifies {}, a topic of account {} whose subscriptions this account cannot list",
                topic.arn, topic.account
            )]);
        }
        let pending = of_topic.len();
        let detail = if pending > 0 { format!(" ({pending} pending confirmation)") } else { String::new() };
        gap(3, 0, format!("{where_} notifies topic {}, which has no confirmed subscription{detail}", topic.arn))
    }
}

#[cfg(test)]
mod tests;
