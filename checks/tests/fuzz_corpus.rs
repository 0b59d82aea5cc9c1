//! Replays every committed fuzz corpus file through its harness on stable Rust, so every
//! harness of `rampart_checks::fuzzing` runs on every `cargo test`.
//!
//! Corpus: `checks/fuzz/corpus/TARGET/` (seeds and regression inputs of fixed bugs).
//! `checks/fuzz/known-bugs/TARGET/` holds reproducers of bugs not fixed yet: they are
//! replayed only by the ignored test `known_bugs_still_fail` (`cargo test -- --ignored`),
//! and move to the corpus when their fix lands.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rampart_checks::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `harness` on `file`; the panic message, if it panicked.
fn replay(harness: fn(&[u8]), file: &Path) -> Option<String> {
    let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    catch_unwind(AssertUnwindSafe(|| harness(&data))).err().map(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-text panic".to_string())
    })
}

#[test]
fn every_target_has_a_seed_corpus_and_it_passes() {
    let mut failures = Vec::new();
    for (target, harness) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(target);
        assert!(dir.is_dir(), "no corpus directory for target {target}: {}", dir.display());
        let files = files(&dir);
        assert!(!files.is_empty(), "the corpus of target {target} is empty: {}", dir.display());
        for file in files {
            if let Some(message) = replay(*harness, &file) {
                failures.push(format!("{target}: {}: {message}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "corpus inputs that break a property:\n{}", failures.join("\n"));
}

#[test]
fn every_fuzz_target_file_names_a_harness() {
    let dir = fuzz_dir().join("fuzz_targets");
    let mut names: Vec<String> =
        files(&dir).iter().filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string)).collect();
    names.sort();
    let mut want: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    want.sort();
    assert_eq!(names, want, "checks/fuzz/fuzz_targets/ has one file per harness");
}

#[test]
#[ignore = "reproducers of bugs that are not fixed yet"]
fn known_bugs_still_fail() {
    let root = fuzz_dir().join("known-bugs");
    let mut still_passing = Vec::new();
    for (target, harness) in TARGETS {
        let dir = root.join(target);
        if !dir.is_dir() {
            continue;
        }
        for file in files(&dir) {
            match replay(*harness, &file) {
                Some(message) => eprintln!("{target}: {}: still fails: {message}", file.display()),
                None => still_passing.push(format!("{target}: {}", file.display())),
            }
        }
    }
    assert!(still_passing.is_empty(), "fixed: move these to checks/fuzz/corpus/:\n{}", still_passing.join("\n"));
}
