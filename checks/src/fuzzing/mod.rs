//! Property harnesses for fuzzing: one `pub fn TARGET(data: &[u8])` per cargo-fuzz target.
//!
//! Each function decodes arbitrary bytes into an input for one part of the crate (a policy
//! document, a filter pattern and an event, a small program of address-set operations, a
//! snapshot, a configuration file, a credential report), runs the code the checks use, and
//! panics only when a property is violated, with a message that names the property. Inputs
//! that do not decode (not UTF-8, not JSON) are simply ignored.
//!
//! The same functions run in two places:
//!
//! - `checks/fuzz/fuzz_targets/TARGET.rs` (nightly, libFuzzer, `scripts/fuzz.sh`);
//! - `checks/tests/fuzz_corpus.rs` (stable, ordinary `cargo test`), which replays every
//!   committed corpus file of every target, so each harness runs on every CI run.
//!
//! Reference models ("obviously correct" re-implementations) live next to the harness
//! that uses them and are deliberately naive: small inputs, no cleverness. See
//! `docs/fuzzing.md` for the properties in prose and for what was run.

mod config;
mod containers;
mod exposure;
mod filter_pattern;
mod net;
mod policy;
mod snapshot;

pub use config::{config, credential_report};
pub use containers::containers;
pub use exposure::exposure;
pub use filter_pattern::filter_pattern;
pub use net::net;
pub use policy::{glob, policy};
pub use snapshot::{snapshot, unknown_everything};

/// A harness: bytes in, a panic only when a property is violated.
pub type Harness = fn(&[u8]);

/// Every target, by the name cargo-fuzz and the corpus directories use.
pub const TARGETS: &[(&str, Harness)] = &[
    ("policy", policy),
    ("glob", glob),
    ("filter_pattern", filter_pattern),
    ("net", net),
    ("snapshot", snapshot),
    ("config", config),
    ("credential_report", credential_report),
    ("containers", containers),
    ("exposure", exposure),
];

/// Splits `data` at the first `0xFF` byte (never part of UTF-8 text): the part before and,
/// if there was a separator, the part after.
pub(crate) fn split_once(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    }
}

/// A reader of small integers from the fuzzer's bytes; reads past the end give zeros.
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    pub(crate) fn u128(&mut self, bytes: usize) -> u128 {
        (0..bytes).fold(0u128, |acc, i| acc | (u128::from(self.u8()) << (8 * i)))
    }
}
