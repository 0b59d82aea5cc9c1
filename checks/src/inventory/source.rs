//! Inventory sources: one per read a collector makes, so that a check can say what it reads
//! and collection can be planned from the selected checks.
//!
//! A source is one [`Collected`](super::Collected) value of the inventory (or one per
//! resource, such as each snapshot's permissions or each bucket's policy). [`Source::needs`]
//! says which other reads a read depends on (a snapshot's permissions need the snapshot
//! list); [`Plan`] is the closed set of sources a collection makes.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Collected, Collector, Source};
use crate::registry::Check;

/// Whether a source is read once per account or once per audited region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    Global,
    Regional,
}

/// Declares the collectors and the sources (see the table in [`super`]): one row per
/// source, `Variant = (name, collector, scope, [sources it needs], path)`, where `path` is
/// the inventory field the source fills, under the account (`Global`) or under each region
/// (`Regional`), and `list[].field` is a field of every item of a list.
macro_rules! sources {
    (
        collectors: [$($collector_variant:ident = $service:literal),* $(,)?];
        $( $(#[doc = $doc:literal])* $variant:ident = ($name:literal, $collector:ident, $scope:ident, [$($need:ident),*], $($path:tt)+), )*
    ) => {
        /// The collector (one AWS service) that fills a source.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub enum Collector {
            $($collector_variant,)*
        }

        impl Collector {
            /// Every collector, in declaration order.
            pub const ALL: &'static [Collector] = &[$(Collector::$collector_variant),*];

            /// The AWS service's name, for documents ("CloudWatch Logs").
            pub fn service(self) -> &'static str {
                match self { $(Collector::$collector_variant => $service,)* }
            }
        }

        /// One read of a collector.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub enum Source {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Source {
            /// Every source, in declaration order.
            pub const ALL: &'static [Source] = &[$(Source::$variant),*];

            /// The source's name, for messages ("snapshot permissions").
            pub fn name(self) -> &'static str {
                match self { $(Source::$variant => $name,)* }
            }

            /// The calls it makes, as its row's documentation says them.
            pub fn calls(self) -> &'static str {
                match self { $(Source::$variant => concat!($($doc),*),)* }
            }

            /// The collector that fills it.
            pub fn collector(self) -> Collector {
                match self { $(Source::$variant => Collector::$collector,)* }
            }

            /// Read once per account, or once per region.
            pub fn scope(self) -> $crate::inventory::Scope {
                match self { $(Source::$variant => $crate::inventory::Scope::$scope,)* }
            }

            /// The reads this one cannot be made without (the list it reads per item, the
            /// groups whose rules name the prefix lists to resolve).
            pub fn needs(self) -> &'static [Source] {
                match self { $(Source::$variant => &[$(Source::$need),*],)* }
            }

            /// Sets what this source fills in `account` to "not collected" for `reason`: the
            /// value itself, or the value on each item of the list it depends on.
            pub fn mark_unknown(self, account: &mut $crate::inventory::AccountInventory, reason: &str) {
                match self { $(Source::$variant => $crate::inventory::source::mark!(account, reason, $scope, $($path)+),)* }
            }
        }
    };
}

/// The body of one `mark_unknown` arm: the path under the account or under every region.
macro_rules! mark {
    ($account:ident, $reason:ident, Global, $($field:ident).+) => {
        $crate::inventory::source::not_collected(&mut $account.$($field).+, $reason)
    };
    ($account:ident, $reason:ident, Global, $($list:ident).+ [] . $field:ident) => {
        $crate::inventory::source::each(&mut $account.$($list).+, |item| $crate::inventory::source::not_collected(&mut item.$field, $reason))
    };
    ($account:ident, $reason:ident, Regional, $($path:tt)+) => {
        for region in $account.regional.values_mut() {
            $crate::inventory::source::mark!(region, $reason, Global, $($path)+)
        }
    };
}

pub(crate) use {mark, sources};

/// Sets one value to "not collected" for `reason`.
pub(crate) fn not_collected<T>(value: &mut Collected<T>, reason: &str) {
    *value = Collected::unknown(super::Cause::NotCollected, reason);
}

/// Applies `f` to every item of a list that was read.
pub(crate) fn each<T>(list: &mut Collected<Vec<T>>, f: impl FnMut(&mut T)) {
    if let Collected::Known(items) = list {
        items.iter_mut().for_each(f);
    }
}


impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The sources one collection reads: those of the selected checks, and every source they
/// need (a snapshot's permissions need the snapshot list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    sources: BTreeSet<Source>,
}

impl Plan {
    /// The plan for these checks.
    pub fn of(checks: &[&Check]) -> Plan {
        // And the resources' tags, which findings carry (no check reads them), when a check
        // judges resources the tagging API lists: anything but IAM and the account's contacts.
        let tags = checks
            .iter()
            .flat_map(|c| c.reads.iter())
            .any(|s| !matches!(s.collector(), Collector::Iam | Collector::Account))
            .then_some(Source::ResourceTags);
        Plan::from_sources(checks.iter().flat_map(|c| c.reads.iter().copied()).chain(tags))
    }

    /// These sources and, transitively, what they need.
    pub fn from_sources(sources: impl IntoIterator<Item = Source>) -> Plan {
        let mut plan = Plan::default();
        let mut todo: Vec<Source> = sources.into_iter().collect();
        while let Some(s) = todo.pop() {
            if plan.sources.insert(s) {
                todo.extend_from_slice(s.needs());
            }
        }
        plan
    }

    /// Every source, as a plan.
    pub fn everything() -> Plan {
        Plan::from_sources(Source::ALL.iter().copied())
    }

    /// Whether the source is read.
    pub fn reads(&self, source: Source) -> bool {
        self.sources.contains(&source)
    }

    /// Whether any source of this collector is read.
    pub fn uses(&self, collector: Collector) -> bool {
        self.sources.iter().any(|s| s.collector() == collector)
    }

    /// The collectors called, in order.
    pub fn collectors(&self) -> BTreeSet<Collector> {
        self.sources.iter().map(|s| s.collector()).collect()
    }

    /// The sources read, in order.
    pub fn sources(&self) -> impl Iterator<Item = Source> + '_ {
        self.sources.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }
}

#[cfg(test)]
mod tests;
