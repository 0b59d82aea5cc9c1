//! Progress of a collection on the terminal: accounts and service × region reads done.
//!
//! One bar on stderr, drawn only when stderr is a terminal and `--quiet` is not given; every
//! function here does nothing otherwise (and before [`init`]), so collectors call them
//! unconditionally. Log lines are printed above the bar rather than through it
//! ([`LogWriter`]).

use std::future::Future;
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static BAR: OnceLock<Bar> = OnceLock::new();

struct Bar {
    bar: ProgressBar,
    accounts: AtomicU64,
    accounts_done: AtomicU64,
}

/// Shows the bar from now on, if stderr is a terminal and not `quiet`.
pub fn init(quiet: bool) {
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} collecting {wide_bar} {pos}/{len} service·region reads{msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let _ = BAR.set(Bar { bar, accounts: AtomicU64::new(0), accounts_done: AtomicU64::new(0) });
}

/// Runs one read (a service in a region, or a global service), counting it on the bar.
pub async fn track<T>(read: impl Future<Output = T>) -> T {
    if let Some(b) = BAR.get() {
        b.bar.inc_length(1);
    }
    let out = read.await;
    if let Some(b) = BAR.get() {
        b.bar.inc(1);
    }
    out
}

/// The number of accounts this run audits.
pub fn accounts(n: u64) {
    if let Some(b) = BAR.get() {
        b.accounts.store(n, Ordering::Relaxed);
        b.show_accounts();
    }
}

/// One account is collected.
pub fn account_done() {
    if let Some(b) = BAR.get() {
        b.accounts_done.fetch_add(1, Ordering::Relaxed);
        b.show_accounts();
    }
}

/// Collection is over: the bar disappears.
pub fn finish() {
    if let Some(b) = BAR.get() {
        b.bar.finish_and_clear();
    }
}

impl Bar {
    fn show_accounts(&self) {
        let total = self.accounts.load(Ordering::Relaxed);
        if total > 1 {
            let done = self.accounts_done.load(Ordering::Relaxed);
            self.bar.set_message(format!(", {done}/{total} accounts"));
        }
    }
}

/// The log writer: each event is written whole, with the bar cleared around it.
#[derive(Default)]
pub struct LogWriter(Vec<u8>);

impl LogWriter {
    pub fn new() -> Self {
        LogWriter(Vec::new())
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        let write = || {
            let _ = std::io::stderr().lock().write_all(&self.0);
        };
        match BAR.get() {
            Some(b) if !b.bar.is_finished() => b.bar.suspend(write),
            _ => write(),
        }
    }
}
