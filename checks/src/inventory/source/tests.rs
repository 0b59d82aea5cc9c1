//! The meta-test: every check reads only the sources it declares.
//!
//! The fixture (`complete-account.json`) is a snapshot of the seeded demo account, completed
//! where the emulator cannot answer (contacts, prefix lists, SSM, Macie, …), in which every
//! source is known. For each check, every source it does not declare is made
//! `Unknown("not collected: <source>")`; a finding that repeats the marker shows the check
//! read a source it does not declare.

use std::collections::BTreeSet;

use super::{Collector, Plan, Scope, Source};
use crate::config_file::Config;
use crate::inventory::{AccountInventory, Inventory};
use crate::registry::{Check, Context, Findings, Recorded, all_checks};

const MARKER: &str = "not collected: ";

fn fixture() -> (AccountInventory, Config, chrono::DateTime<chrono::Utc>) {
    let inventory: Inventory =
        serde_json::from_str(include_str!("complete-account.json")).expect("the complete fixture deserialises");
    let now = inventory.collected_at;
    (inventory.accounts.into_iter().next().expect("one account"), Config::default(), now)
}

fn evaluate(check: &Check, account: &AccountInventory, config: &Config, now: chrono::DateTime<chrono::Utc>) -> Vec<Recorded> {
    let ctx = Context { now, config };
    let mut out = Findings::new();
    (check.eval)(account, &ctx, &mut out);
    out.into_recorded()
}

/// The fixture with `sources` marked "not collected: <name>".
fn without(account: &AccountInventory, sources: impl IntoIterator<Item = Source>) -> AccountInventory {
    let mut account = account.clone();
    for source in sources {
        source.mark_unknown(&mut account, &format!("{MARKER}{}", source.name()));
    }
    account
}

/// The sources `check` reads without declaring them, as the fixture shows them.
///
/// With every undeclared source "not collected", the findings must be the very ones of the
/// complete fixture, and none may carry the marker; the same with each declared source
/// missing as well (a check may fall back on another source when the first cannot be
/// read). Where they differ, each undeclared source is tried alone to name the culprit.
fn undeclared_reads(check: &Check) -> BTreeSet<Source> {
    let (account, config, now) = fixture();
    let undeclared: Vec<Source> = Source::ALL.iter().copied().filter(|s| !check.reads.contains(s)).collect();
    let marked = |found: &[Recorded], s: Source| {
        let marker = format!("{MARKER}{}", s.name());
        found.iter().any(|f| f.message.contains(&marker))
    };
    let mut read = BTreeSet::new();
    let bases = std::iter::once(None).chain(check.reads.iter().copied().map(Some));
    for declared_missing in bases {
        let base = without(&account, declared_missing);
        let expected = evaluate(check, &base, &config, now);
        let found = evaluate(check, &without(&base, undeclared.iter().copied()), &config, now);
        read.extend(undeclared.iter().copied().filter(|&s| marked(&found, s)));
        if found != expected {
            for &s in &undeclared {
                let alone = evaluate(check, &without(&base, [s]), &config, now);
                if alone != expected || marked(&alone, s) {
                    read.insert(s);
                }
            }
        }
    }
    read
}

#[test]
fn the_fixture_is_complete_and_holds_something_for_every_source() {
    let (account, _, _) = fixture();
    let text = serde_json::to_string(&account).unwrap();
    assert!(!text.contains("\"unknown\""), "the complete fixture holds an unknown value");
    for &source in Source::ALL {
        let marked = serde_json::to_string(&without(&account, [source])).unwrap();
        assert_ne!(marked, text, "{source}: the fixture holds nothing this source fills (an empty list of resources?)");
    }
    // No name begins another, so that a marker names one source.
    for a in Source::ALL {
        for b in Source::ALL {
            assert!(a == b || !a.name().starts_with(b.name()), "{a} / {b}");
        }
    }
}

#[test]
fn every_check_reads_only_the_sources_it_declares() {
    let mut wrong = Vec::new();
    for check in all_checks() {
        for source in undeclared_reads(check) {
            wrong.push(format!("{} reads {source} (Source::{source:?}) but does not declare it", check.id));
        }
    }
    assert!(wrong.is_empty(), "undeclared reads:\n{}", wrong.join("\n"));
}

#[test]
fn the_meta_test_catches_an_under_declared_check() {
    let real = crate::registry::find_check("ec2_ebs_public_snapshot").unwrap();
    assert!(undeclared_reads(real).is_empty());
    assert!(real.reads.contains(&Source::PublicSnapshots));
    let under = Check { reads: &[Source::Snapshots], ..*real };
    assert_eq!(undeclared_reads(&under), BTreeSet::from([Source::PublicSnapshots]));

    // A check that reads the password policy while declaring the credential report.
    fn reads_the_policy(account: &AccountInventory, _: &Context<'_>, out: &mut Findings) {
        match account.iam.password_policy.as_result() {
            Ok(_) => out.pass(account.resource(), "a password policy was read"),
            Err(why) => out.error(account.resource(), format!("the password policy could not be read: {why}")),
        }
    }
    let sneaky = Check { id: "test_sneaky", reads: &[Source::CredentialReport], eval: reads_the_policy, ..*real };
    assert_eq!(undeclared_reads(&sneaky), BTreeSet::from([Source::PasswordPolicy]));

    // One that reads it without ever saying why it is missing.
    fn reads_the_policy_quietly(account: &AccountInventory, _: &Context<'_>, out: &mut Findings) {
        if account.iam.password_policy.known().is_some() {
            out.pass(account.resource(), "a password policy");
        } else {
            out.fail(account.resource(), "no password policy");
        }
    }
    let quiet = Check { id: "test_quiet", reads: &[Source::CredentialReport], eval: reads_the_policy_quietly, ..*real };
    assert_eq!(undeclared_reads(&quiet), BTreeSet::from([Source::PasswordPolicy]));

    // And one that falls back on an undeclared source only when a declared one is missing.
    fn falls_back(account: &AccountInventory, _: &Context<'_>, out: &mut Findings) {
        let flag = account.iam.account_summary.known().and_then(|s| s.get("AccountMFAEnabled").copied());
        match flag.or_else(|| account.iam.credential_report.known().and_then(|r| r.root()).map(|r| i64::from(r.mfa_active))) {
            Some(1) => out.pass(account.resource(), "root MFA"),
            Some(_) => out.fail(account.resource(), "no root MFA"),
            None => out.error(account.resource(), "root MFA unknown"),
        }
    }
    let fallback = Check { id: "test_fallback", reads: &[Source::AccountSummary], eval: falls_back, ..*real };
    assert_eq!(undeclared_reads(&fallback), BTreeSet::from([Source::CredentialReport]));
}

/// Declared sources that the fixture cannot show being read: the check reads them only
/// where they could change nothing the fixture has, or only through `known()`.
const NOT_SHOWN: &[(&str, Source, &str)] = &[
    // Customer keys are told from AWS keys by the alias list too, and an unreadable alias
    // list is read as "no alias": the fixture's keys all say their manager.
    ("kms_cmk_not_deleted_unintentionally", Source::KmsAliases, "aliases only refine key_manager"),
    ("kms_cmk_rotation_enabled", Source::KmsAliases, "aliases only refine key_manager"),
    ("kms_key_not_publicly_accessible", Source::KmsAliases, "aliases only refine key_manager"),
];

#[test]
fn every_declared_source_is_read_on_the_fixture() {
    // Keeps the meta-test honest: the fixture reaches the paths of each check that read
    // each of its sources, so that a missing declaration would show. A source is shown read
    // when marking it "not collected" changes the findings, alone or together with another
    // declared source (a fallback, such as the credential report when the account summary
    // cannot be read, is read only when the first source is missing).
    let (account, config, now) = fixture();
    let mut unread = Vec::new();
    for check in all_checks() {
        let baseline = evaluate(check, &account, &config, now);
        assert!(!baseline.is_empty(), "{}: no finding on the complete fixture", check.id);
        for &source in check.reads {
            if NOT_SHOWN.iter().any(|(id, s, _)| *id == check.id && *s == source) {
                continue;
            }
            let alone = evaluate(check, &without(&account, [source]), &config, now) != baseline;
            let with_another = || {
                check.reads.iter().filter(|&&t| t != source).any(|&t| {
                    evaluate(check, &without(&account, [t]), &config, now)
                        != evaluate(check, &without(&account, [t, source]), &config, now)
                })
            };
            if !alone && !with_another() {
                unread.push(format!("{}: {source}", check.id));
            }
        }
    }
    assert!(unread.is_empty(), "declared but not shown read on the fixture:\n{}", unread.join("\n"));
}

#[test]
fn every_check_declares_a_source_once() {
    for check in all_checks() {
        assert!(!check.reads.is_empty(), "{}: reads nothing", check.id);
        let distinct: BTreeSet<Source> = check.reads.iter().copied().collect();
        assert_eq!(distinct.len(), check.reads.len(), "{}: a source is declared twice", check.id);
    }
}

#[test]
fn sources_name_their_collector_and_scope() {
    let global = [Collector::Iam, Collector::S3, Collector::CloudTrail, Collector::Account, Collector::Kubernetes];
    for &source in Source::ALL {
        let expected = if global.contains(&source.collector()) { Scope::Global } else { Scope::Regional };
        assert_eq!(source.scope(), expected, "{source}");
        for need in source.needs() {
            assert_eq!(need.collector(), source.collector(), "{source} needs {need} of another collector");
        }
    }
}

#[test]
fn a_plan_holds_what_its_sources_need() {
    let plan = Plan::from_sources([Source::KmsKeyPolicies, Source::ManagedPrefixLists]);
    let sources: Vec<Source> = plan.sources().collect();
    assert_eq!(
        sources,
        [Source::SecurityGroups, Source::ManagedPrefixLists, Source::KmsKeys, Source::KmsKeyPolicies]
    );
    assert_eq!(plan.collectors(), BTreeSet::from([Collector::Ec2, Collector::Kms]));
    assert!(!plan.reads(Source::Volumes));

    let sg = all_checks().into_iter().filter(|c| c.id.starts_with("ec2_securitygroup_")).collect::<Vec<_>>();
    assert_eq!(sg.len(), 5);
    let plan = Plan::of(&sg);
    // The resources' tags come with every plan of checks: findings carry them.
    assert_eq!(
        plan.sources().collect::<Vec<_>>(),
        [Source::SecurityGroups, Source::ManagedPrefixLists, Source::NetworkInterfaces, Source::ResourceTags]
    );
    assert!(Plan::of(&[]).is_empty());
    let iam = all_checks().into_iter().filter(|c| c.id == "iam_password_policy_minimum_length_14").collect::<Vec<_>>();
    assert!(!Plan::of(&iam).reads(Source::ResourceTags), "IAM is not in the tagging API: no tags for IAM alone");

    let everything = Plan::of(&all_checks());
    for &source in Source::ALL {
        // Subnets are collected by no check's reads (exposure reads the route tables' and
        // network ACLs' associations instead).
        let expected = !matches!(source, Source::Subnets);
        assert_eq!(everything.reads(source), expected, "{source}");
    }
    assert_eq!(Plan::everything().len(), Source::ALL.len());
}
