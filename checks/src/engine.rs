//! Runs the selected checks over an inventory and turns what they record into findings.

use std::collections::{HashMap, HashSet};

use crate::mutelist::Subject;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::config_file::Config;
use crate::finding::{Finding, FindingCheck, FindingResource, Measure, Resource, Severity, Status};
use crate::frameworks::compliance_of;
use crate::inventory::{AccountInventory, Inventory};
use crate::registry::{Check, Context, Findings, all_checks};

/// Which checks to run. An empty list selects everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub check_ids: Vec<String>,
    pub measures: Vec<Measure>,
    /// Only checks of this severity or more severe.
    pub min_severity: Option<Severity>,
}

impl Selection {
    pub fn includes(&self, check: &Check) -> bool {
        (self.check_ids.is_empty() || self.check_ids.iter().any(|id| id == check.id))
            && (self.measures.is_empty() || self.measures.contains(&check.measure))
            && self.min_severity.is_none_or(|min| check.severity >= min)
    }

    /// The selected checks, in registry order.
    pub fn checks(&self) -> Vec<&'static Check> {
        all_checks().into_iter().filter(|c| self.includes(c)).collect()
    }

    /// Ids in the selection that name no check.
    pub fn unknown_ids(&self) -> Vec<&str> {
        let all = all_checks();
        self.check_ids.iter().filter(|id| !all.iter().any(|c| c.id == id.as_str())).map(String::as_str).collect()
    }
}

/// Evaluates every selected check against every account of the inventory.
pub fn evaluate(inventory: &Inventory, selection: &Selection, config: &Config) -> Vec<Finding> {
    let mut evaluator = Evaluator::new(selection, config, inventory.collected_at);
    for account in &inventory.accounts {
        evaluator.account(account);
    }
    evaluator.finish()
}

/// Evaluates accounts one at a time, as they are collected, so that an account's inventory
/// can be dropped as soon as it is judged: an organization's audit holds the findings of
/// every account (small, and sharing their text) but the inventory of only those being
/// collected.
pub struct Evaluator<'a> {
    checks: Vec<&'static Check>,
    ctx: Context<'a>,
    shared: Interner,
    findings: Vec<Finding>,
    /// A finding graded below this is left out, as its check would be.
    min_severity: Option<Severity>,
}

impl<'a> Evaluator<'a> {
    /// Ages are measured from `collected_at`, never from the clock.
    pub fn new(selection: &Selection, config: &'a Config, collected_at: chrono::DateTime<chrono::Utc>) -> Self {
        Evaluator { checks: selection.checks(), ctx: Context { now: collected_at, config }, shared: Interner::default(), findings: Vec::new(), min_severity: selection.min_severity }
    }

    /// Runs every selected check on one account.
    pub fn account(&mut self, account: &AccountInventory) {
        let tags = Tags::of(account);
        for check in &self.checks {
            let found = run_check(check, account, &self.ctx, &tags, &mut self.shared);
            let min = self.min_severity;
            self.findings.extend(found.into_iter().filter(|f| min.is_none_or(|min| f.check.severity >= min)));
        }
    }

    /// The findings of every account evaluated, in the order they were.
    pub fn finish(self) -> Vec<Finding> {
        self.findings
    }
}

/// One shared copy of what many findings repeat: a large account yields hundreds of
/// thousands of findings, several per resource, and most PASS messages are alike.
///
/// Hashed with foldhash, seeded at random per process: several times faster than the
/// standard SipHash on the 300,000 findings of a large account, and still keyed, so that
/// names chosen in the audited account cannot be made to collide.
#[derive(Debug, Default)]
pub struct Interner {
    strings: HashSet<Arc<str>, foldhash::fast::RandomState>,
    resources: HashSet<Arc<FindingResource>, foldhash::fast::RandomState>,
}

impl Interner {
    /// The shared copy of a string: an account id, a region, a message.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.strings.get(s) {
            return shared.clone();
        }
        let shared: Arc<str> = s.into();
        self.strings.insert(shared.clone());
        shared
    }

    /// The shared copy of a resource.
    pub fn resource(&mut self, resource: FindingResource) -> Arc<FindingResource> {
        if let Some(shared) = self.resources.get(&resource) {
            return shared.clone();
        }
        let shared = Arc::new(resource);
        self.resources.insert(shared.clone());
        shared
    }
}

/// The tags of an account's resources, by ARN, from every region where they could be read.
#[derive(Debug, Default)]
pub struct Tags<'a> {
    by_arn: HashMap<&'a str, &'a [(String, String)], foldhash::fast::RandomState>,
}

impl<'a> Tags<'a> {
    pub fn of(account: &'a AccountInventory) -> Self {
        let mut by_arn = HashMap::default();
        // IAM users and roles, which the tagging API does not list: from the authorization
        // details, where they were read (a user with no tag has known, empty tags).
        if let crate::Collected::Known(details) = &account.iam.authorization_details {
            for u in &details.users {
                by_arn.insert(u.arn.as_str(), u.tags.as_slice());
            }
            for r in &details.roles {
                by_arn.insert(r.arn.as_str(), r.tags.as_slice());
            }
        }
        for region in account.regional.values() {
            if let crate::Collected::Known(resources) = &region.tagging.resources {
                for r in resources {
                    by_arn.insert(r.arn.as_str(), r.tags.as_slice());
                }
            }
        }
        Tags { by_arn }
    }

    /// The tags of the resource with this ARN, if the tagging API listed it.
    pub fn get(&self, arn: Option<&str>) -> Option<&'a [(String, String)]> {
        self.by_arn.get(arn?).copied()
    }
}

/// Runs one check on one account. A check that panics (a bug) yields an ERROR finding
/// instead of ending the audit.
pub fn run_check(check: &'static Check, account: &AccountInventory, ctx: &Context<'_>, tags: &Tags<'_>, shared: &mut Interner) -> Vec<Finding> {
    let mut out = Findings::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| (check.eval)(account, ctx, &mut out)));
    let mut recorded = out.into_recorded();
    if let Err(panic) = outcome {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        recorded.clear();
        recorded.push(crate::registry::Recorded {
            status: Status::Error,
            resource: account.resource(),
            message: format!("internal error in check {}: {what}", check.id),
            severity: None,
        });
    }
    let finding_check = Arc::new(FindingCheck {
        id: check.id.to_string(),
        title: check.title.to_string(),
        severity: check.severity,
        measure: check.measure,
        remediation: check.remediation(),
        compliance: compliance_of(check.id),
    });
    // A finding graded apart from its check shares one copy of the check per severity.
    let mut graded: Vec<Arc<FindingCheck>> = Vec::new();
    let mut check_at = |severity: Option<Severity>| match severity {
        Some(severity) if severity != finding_check.severity => {
            if let Some(found) = graded.iter().find(|c| c.severity == severity) {
                return found.clone();
            }
            let copy = Arc::new(FindingCheck { severity, ..(*finding_check).clone() });
            graded.push(copy.clone());
            copy
        }
        _ => finding_check.clone(),
    };
    let account_id = shared.get(&account.account_id);
    recorded
        .into_iter()
        .map(|r| {
            let check_of_finding = check_at(r.severity);
            let resource_tags = tags.get(r.resource.arn.as_deref());
            let subject = Subject::new(check.id, &account.account_id, r.resource.region.as_deref().unwrap_or("global"), &r.resource.id)
                .arn(r.resource.arn.as_deref())
                .tags(resource_tags);
            let mute_reason = ctx
                .config
                .mute_reason(&subject, ctx.now.date_naive())
                .map(|reason| shared.get(reason));
            let Resource { id, arn, kind, region } = r.resource;
            let resource = FindingResource {
                account_id: account_id.clone(),
                region: shared.get(region.as_deref().unwrap_or("global")),
                id,
                arn,
                kind: shared.get(kind),
                tags: resource_tags.map(<[_]>::to_vec),
            };
            Finding {
                check: check_of_finding,
                resource: shared.resource(resource),
                status: r.status,
                message: shared.get(&r.message),
                muted: mute_reason.is_some(),
                mute_reason,
                baseline: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::testing::{account_with_report, user};

    #[test]
    fn tags_come_from_the_tagging_listing_and_the_iam_authorization_details() {
        use crate::inventory::iam::AuthorizationDetails;
        use crate::inventory::tagging::TaggedResource;
        let mut account = crate::testing::account();
        let mut alice = crate::iam::testing::iam_user("alice");
        alice.tags = vec![("team".into(), "data".into())];
        let bob = crate::iam::testing::iam_user("bob");
        account.iam.authorization_details =
            crate::Collected::Known(AuthorizationDetails { users: vec![alice.clone(), bob.clone()], ..Default::default() });
        let volume = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-1";
        account.regional.entry(crate::testing::REGION.into()).or_default().tagging.resources =
            crate::Collected::Known(vec![TaggedResource { arn: volume.into(), tags: vec![("env".into(), "dev".into())] }]);
        let tags = Tags::of(&account);
        assert_eq!(tags.get(Some(&alice.arn)), Some(&[("team".to_string(), "data".to_string())][..]));
        assert_eq!(tags.get(Some(&bob.arn)), Some(&[][..]), "read, and none");
        assert_eq!(tags.get(Some(volume)), Some(&[("env".to_string(), "dev".to_string())][..]));
        assert_eq!(tags.get(Some("arn:aws:ec2:eu-west-1:123456789012:volume/vol-2")), None, "not listed: unknown");
        assert_eq!(tags.get(None), None);
        account.iam.authorization_details = crate::testing::denied();
        assert_eq!(Tags::of(&account).get(Some(&alice.arn)), None, "unread: unknown");
    }

    #[test]
    fn selection_filters_by_id_measure_and_severity() {
        let all = Selection::default().checks();
        assert!(all.len() >= 12);
        let one = Selection { check_ids: vec!["iam_root_mfa_enabled".into()], ..Default::default() }.checks();
        assert_eq!(one.len(), 1);
        let critical = Selection { min_severity: Some(Severity::Critical), ..Default::default() }.checks();
        assert!(!critical.is_empty() && critical.iter().all(|c| c.severity == Severity::Critical));
        let network = Selection { measures: vec![Measure::Network], ..Default::default() }.checks();
        assert!(network.iter().all(|c| c.measure == Measure::Network));
        let bad = Selection { check_ids: vec!["nope".into(), "iam_root_mfa_enabled".into()], ..Default::default() };
        assert_eq!(bad.unknown_ids(), vec!["nope"]);
    }

    #[test]
    fn a_finding_graded_apart_carries_its_severity_and_obeys_the_minimum() {
        use crate::net::exposure::testing::Topology;
        let mut t = Topology::new();
        t.public_subnet("subnet-pub")
            .group("sg-web", vec![crate::ec2::testing::tcp(443, 443, &["0.0.0.0/0"])])
            .group("sg-ssh", vec![crate::ec2::testing::tcp(22, 22, &["0.0.0.0/0"])])
            .interface("eni-web", "subnet-pub", &["sg-web"], Some("198.51.100.1"))
            .of_instance("i-web")
            .interface("eni-ssh", "subnet-pub", &["sg-ssh"], Some("198.51.100.2"))
            .of_instance("i-ssh");
        let mut inventory = Inventory::new(crate::testing::now());
        inventory.accounts.push(t.account);
        let only = |min: Option<Severity>| Selection {
            check_ids: vec!["ec2_networkinterface_reachable_from_internet".into()],
            min_severity: min,
            ..Default::default()
        };
        let found = evaluate(&inventory, &only(None), &Config::default());
        let severity = |id: &str| found.iter().find(|f| f.resource.id == id).map(|f| f.check.severity);
        assert_eq!(severity("i-web"), Some(Severity::Low), "web ports only");
        assert_eq!(severity("i-ssh"), Some(Severity::Critical), "an admin port");
        let web = found.iter().find(|f| f.resource.id == "i-web").unwrap();
        let ssh = found.iter().find(|f| f.resource.id == "i-ssh").unwrap();
        assert_eq!((web.check.id.as_str(), web.check.title.as_str()), (ssh.check.id.as_str(), ssh.check.title.as_str()));
        // The check is high: selected by a high minimum, its low finding is not.
        let high = evaluate(&inventory, &only(Some(Severity::High)), &Config::default());
        let ids: Vec<&str> = high.iter().map(|f| f.resource.id.as_str()).collect();
        assert_eq!(ids, ["i-ssh"]);
    }

    #[test]
    fn findings_carry_metadata_compliance_and_mutes() {
        let mut inventory = Inventory::new(crate::testing::now());
        inventory.accounts.push(account_with_report(&[user("alice").console(true).mfa(false)]));
        let config = Config::from_toml(
            "[[mute]]\ncheck = \"iam_user_mfa_enabled_console_access\"\nresource = \"alice\"\nreason = \"accepted\"\n",
        )
        .unwrap();
        let selection = Selection { check_ids: vec!["iam_user_mfa_enabled_console_access".into()], ..Default::default() };
        let findings = evaluate(&inventory, &selection, &config);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.status, Status::Fail);
        assert!(f.muted);
        assert_eq!(f.mute_reason.as_deref(), Some("accepted"));
        assert_eq!(&*f.resource.region, "global");
        assert_eq!(&*f.resource.kind, "AwsIamUser");
        assert_eq!(f.check.compliance["CIS-5.0"], vec!["1.9".to_string()]);
        assert!(f.check.remediation.contains("enable-mfa-device"), "{}", f.check.remediation);
    }

    fn panicking(_: &AccountInventory, _: &Context<'_>, _: &mut Findings) {
        panic!("boom");
    }

    #[test]
    fn a_panicking_check_becomes_an_error_finding() {
        static BAD: Check = Check {
            id: "test_panics",
            title: "panics",
            measure: Measure::Access,
            severity: Severity::Low,
            reads: &[crate::inventory::Source::CredentialReport],
            raw_doc: "",
            eval: panicking,
        };
        let config = Config::default();
        let ctx = Context { now: crate::testing::now(), config: &config };
        let account = account_with_report(&[]);
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let findings = run_check(&BAD, &account, &ctx, &Tags::default(), &mut Interner::default());
        std::panic::set_hook(prev);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(findings[0].message.contains("boom"));
    }
}
