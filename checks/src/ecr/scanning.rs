//! Whether the registry's scanning configuration scans a repository's images on push.
//!
//! With `ENHANCED` scanning (Amazon Inspector), only the registry's rules decide: a rule
//! with `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` whose filter matches the repository's name. With
//! `BASIC` scanning, a `SCAN_ON_PUSH` rule that matches, or the repository's own
//! `scanOnPush` setting (which AWS still honours). Filters are `WILDCARD`: `*` matches any
//! run of characters, everything else itself.

use crate::inventory::ecr::{Repository, ScanningConfiguration};
use crate::config_file::wildcard_match;

/// How a repository's images are scanned when pushed: `Some(how)` or `None`.
pub(super) fn scanned_on_push(registry: &ScanningConfiguration, repo: &Repository) -> Option<String> {
    let enhanced = registry.scan_type.eq_ignore_ascii_case("ENHANCED");
    for rule in &registry.rules {
        let frequency = rule.scan_frequency.to_ascii_uppercase();
        let counts = match frequency.as_str() {
            "SCAN_ON_PUSH" => true,
            "CONTINUOUS_SCAN" => enhanced,
            _ => false,
        };
        if let Some(filter) = rule.filters.iter().find(|f| wildcard_match(f, &repo.name)).filter(|_| counts) {
            let kind = if enhanced { "enhanced" } else { "basic" };
            return Some(format!("{kind} scanning, registry rule {} on '{filter}'", frequency.to_ascii_lowercase()));
        }
    }
    (!enhanced && repo.scan_on_push).then(|| "basic scanning, the repository's scan on push".to_string())
}
