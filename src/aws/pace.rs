//! A send rate for one service in one region of one account that slows down when slowing
//! down helps, and only then (`--retry-mode paced`).
//!
//! AWS throttles for two reasons that look alike from the caller's side: the caller sends
//! faster than the API's rate limit for the account (a token bucket per API and region), or
//! other callers have spent that budget and the caller gets a share of the refusals whatever
//! it does. Slowing down is right in the first case and useless in the second: a rate that
//! falls after every throttle (the SDK's adaptive mode) falls towards its floor and the audit
//! never ends.
//!
//! [`Rate`] tells the two apart by trying. Answers are judged in epochs of [`EPOCH`] answers
//! to requests sent since the last decision; at the end of each epoch, with `s` the share of
//! them that were throttled:
//! - `s = 0`: the rate grows by [`GROW`], and by [`PROBE`] only once it is near the rate that
//!   was last cut, where the limit showed (no rate at all until the first throttle).
//! - otherwise the rate is cut to [`CUT`] × what got through (the answers served in the last
//!   [`HORIZON`]: over a whole second, so that a burst does not pass for a rate) — unless
//!   this epoch is the one after a cut, fewer than [`HEAVY`] of its requests were throttled,
//!   and the cut lowered the share of throttled requests by less than two thirds
//!   ([`HELPED`]): then slowing down did not help. Under a rate limit it does (at
//!   rate `r` over a limit `R`, the share is `1 - R/r`: halving `r` halves what is left
//!   over, or ends the throttling), under independent throttling it does not (the share stays
//!   where it was). The cuts since the last epoch that was not cut are undone and the partition is marked independent with that
//!   share as its baseline: from then on epochs count as clean while the share of the last
//!   few (an exponential average, [`RECENT`]) stays within [`MARGIN`] of the baseline, and
//!   the rate grows as if nothing happened; once it rises above (the account's budget is now
//!   really spent by this audit too) epochs cut again.
//! - Epochs where [`HEAVY`] or more of the answers were throttled always cut: at that share either
//!   the rate is far above a limit, where a cut changes the share little, or AWS is refusing
//!   most requests anyway.
//!
//! An epoch also ends after [`HORIZON`] with at least [`SHORT_EPOCH`] answers, so that a
//! slow rate is judged (and grows back) every second or so; the epoch that judges a cut
//! needs [`EPOCH`] answers, or [`JUDGE`] over two seconds. The rate never falls below [`FLOOR`]. Requests are spaced evenly at the rate,
//! without a burst. The in-flight bound (`--max-in-flight`) stays as it is.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// Answers per decision.
pub const EPOCH: u32 = 10;
/// An epoch this long ends with this many answers; goodput is measured over it.
pub const HORIZON: Duration = Duration::from_secs(1);
pub const SHORT_EPOCH: u32 = 3;
/// Whether the last cut helped is judged on this many answers, or on [`EPOCH`] once twice
/// [`HORIZON`] has passed (at a slow rate): the share of throttled answers in fewer is too
/// noisy to tell 0.3 from 0.1.
pub const JUDGE: u32 = 20;
/// A cut keeps this share of the goodput.
pub const CUT: f64 = 0.7;
/// A clean epoch grows the rate by this factor…
pub const GROW: f64 = 1.25;
/// …or by this one within [`NEAR`] of the rate that was last cut (where the limit was).
pub const PROBE: f64 = 1.05;
pub const NEAR: f64 = 0.85;
/// The lowest rate, requests per second.
pub const FLOOR: f64 = 0.5;
/// At or above this share of throttled answers, a cut is always tried.
pub const HEAVY: f64 = 0.6;
/// A cut "helped" when it brought the share of throttled answers below this fraction of
/// what it was. Under a rate limit a cut to 0.7 × the goodput ends the throttling or nearly;
/// under independent throttling the share stays where it was, give or take the noise of a
/// few answers.
pub const HELPED: f64 = 1.0 / 3.0;
/// Under independent throttling, a recent share this far above the baseline is not the
/// background any more.
pub const MARGIN: f64 = 0.2;
/// The weight of one epoch in the recent share.
pub const RECENT: f64 = 0.2;

/// The pacing state of one partition.
#[derive(Debug)]
pub struct Rate {
    /// Requests per second; `None` until the first throttled epoch.
    rate: Option<f64>,
    /// When the next request may be sent.
    next: Option<Instant>,
    /// When the last request was booked to be sent.
    last_sent: Option<Instant>,
    /// Requests sent so far; a request's number tells which epoch its answer belongs to.
    sent: u64,
    epoch: Epoch,
    /// The rate before the last cut and the share of the epoch that caused it, while the
    /// epoch after the cut is being judged.
    last_cut: Option<(Option<f64>, f64)>,
    regime: Regime,
    /// When the answers served in the last [`HORIZON`] came.
    served: VecDeque<Instant>,
    /// The rate that was last cut (where a limit showed).
    limit: Option<f64>,
    /// The rate before the cuts made since the last epoch that was not cut.
    before_cuts: Option<Option<f64>>,
    /// The partition, for log lines.
    name: String,
    /// Decisions so far (for logs and tests).
    pub cuts: u32,
    pub undone: u32,
}

#[derive(Debug)]
struct Epoch {
    /// The first request number whose answer counts in this epoch.
    from: u64,
    started: Instant,
    answers: u32,
    throttled: u32,
}

/// What the throttling of this partition has been found to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Regime {
    /// Slowing down lowers it, as far as anyone knows (the default).
    RateLimited,
    /// It does not follow the rate; `baseline` is the share of answers throttled anyway,
    /// `recent` the share of the last few epochs (an exponential average).
    Independent { baseline: f64, recent: f64 },
}

impl Rate {
    pub fn new(now: Instant) -> Self {
        Rate {
            rate: None,
            next: None,
            last_sent: None,
            sent: 0,
            epoch: Epoch { from: 1, started: now, answers: 0, throttled: 0 },
            last_cut: None,
            regime: Regime::RateLimited,
            served: VecDeque::new(),
            limit: None,
            before_cuts: None,
            name: String::new(),
            cuts: 0,
            undone: 0,
        }
    }

    /// The same, naming its partition in log lines.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Requests per second now (`None`: not paced).
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }

    #[cfg(test)]
    pub fn regime(&self) -> Regime {
        self.regime
    }

    /// Books the next request: its number, and when it may be sent.
    pub fn reserve(&mut self, now: Instant) -> (u64, Instant) {
        self.sent += 1;
        if self.sent == self.epoch.from {
            // The epoch's time counts from its first request.
            self.epoch.started = now;
        }
        let at = match (self.rate, self.next) {
            (Some(rate), next) => {
                let at = next.map_or(now, |next| next.max(now));
                self.next = Some(at + Duration::from_secs_f64(1.0 / rate));
                at
            }
            (None, _) => now,
        };
        self.last_sent = Some(at);
        (self.sent, at)
    }

    /// Takes the answer to request `number`.
    pub fn answered(&mut self, now: Instant, number: u64, throttled: bool) {
        if !throttled {
            self.served.push_back(now);
        }
        while self.served.front().is_some_and(|&at| now.saturating_duration_since(at) > HORIZON) {
            self.served.pop_front();
        }
        // Sent before the last decision: it says nothing of the rate decided since.
        if number < self.epoch.from {
            return;
        }
        self.epoch.answers += 1;
        self.epoch.throttled += u32::from(throttled);
        // A short epoch may grow or cut the rate, but not judge whether the last cut helped:
        // the epoch after a cut waits for enough answers.
        let elapsed = now.saturating_duration_since(self.epoch.started);
        let judging = self.last_cut.is_some();
        let enough = if judging {
            self.epoch.answers >= JUDGE || (elapsed >= 2 * HORIZON && self.epoch.answers >= EPOCH)
        } else {
            self.epoch.answers >= EPOCH || (elapsed >= HORIZON && self.epoch.answers >= SHORT_EPOCH)
        };
        // Far above a limit the evidence comes fast: three quarters of eight answers throttled
        // (under independent throttling of 30 %, about one chance in a hundred) decides now.
        let heavy = self.epoch.answers >= 8 && self.epoch.throttled * 4 >= self.epoch.answers * 3;
        if enough || heavy {
            self.decide(now);
        }
    }

    fn decide(&mut self, now: Instant) {
        let Epoch { answers, throttled, .. } = self.epoch;
        let share = f64::from(throttled) / f64::from(answers);
        let goodput = self.served.len() as f64 / HORIZON.as_secs_f64();
        let last_cut = self.last_cut.take();
        // Under independent throttling one epoch's share is noisy (10 answers): the regime
        // ends when the share of the last few epochs rises above the baseline; meanwhile an
        // epoch near the baseline grows the rate and one above it holds it.
        let background = match self.regime {
            Regime::Independent { baseline, recent } => {
                let recent = (1.0 - RECENT) * recent + RECENT * share;
                self.regime = Regime::Independent { baseline, recent };
                (recent <= baseline + MARGIN).then_some(share <= baseline + MARGIN)
            }
            Regime::RateLimited => None,
        };
        let grown = self.rate.map(|r| match self.limit {
            Some(limit) if r * GROW > NEAR * limit => r * PROBE,
            _ => r * GROW,
        });
        if background.is_some() || share == 0.0 {
            self.before_cuts = None;
        }
        match background {
            Some(true) => self.rate = grown,
            Some(false) => {}
            None if share == 0.0 => self.rate = grown,
            None => match last_cut.filter(|&(_, earlier)| share < HEAVY && share >= earlier * HELPED) {
                // The cut did not lower the share: the throttling does not come from this rate.
                Some((before, earlier)) => {
                    // Every cut of this run of cuts is undone: the ones before the last were
                    // made before anyone could know.
                    tracing::debug!(partition = %self.name, share, earlier, "throttling independent of the rate: cuts undone");
                    self.rate = self.before_cuts.take().unwrap_or(before);
                    self.limit = None;
                    self.regime = Regime::Independent { baseline: share, recent: share };
                    self.undone += 1;
                }
                None => {
                    let current = self.rate.unwrap_or(f64::INFINITY);
                    let cut = (CUT * current.min(goodput)).max(FLOOR);
                    tracing::debug!(partition = %self.name, share, goodput, rate = cut, "throttled: rate cut");
                    self.last_cut = Some((self.rate, share));
                    self.before_cuts.get_or_insert(self.rate);
                    self.limit = Some(current.min(goodput / (1.0 - share).max(0.1)));
                    self.rate = Some(cut);
                    // The next request keeps to the new rate from the last one sent.
                    self.next = self.last_sent.map(|at| at + Duration::from_secs_f64(1.0 / cut));
                    self.regime = Regime::RateLimited;
                    self.cuts += 1;
                }
            },
        }
        #[cfg(test)]
        if std::env::var("PACE_TRACE").is_ok() {
            eprintln!("{answers:>2} answers share {share:.2} goodput {goodput:.1} -> {:?} {:?} last_cut {:?}", self.rate, self.regime, self.last_cut);
        }
        self.epoch = Epoch { from: self.sent + 1, started: now, answers: 0, throttled: 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives a partition that has `demand` requests ready at every moment through `limit`,
    /// for `seconds`, in steps of 10 ms; each request is answered `latency` after it is sent.
    /// Gives (answers, throttled) and the rate at the end.
    struct Sim {
        rate: Rate,
        now: Instant,
        in_flight: Vec<(Instant, u64, bool)>,
        answers: u32,
        throttled: u32,
    }

    impl Sim {
        fn new() -> Self {
            let now = Instant::now();
            Sim { rate: Rate::new(now), now, in_flight: Vec::new(), answers: 0, throttled: 0 }
        }

        /// Runs for `seconds`, keeping up to 8 requests in flight, each answered after 20 ms
        /// and throttled when `throttle(now)` says so.
        fn run(&mut self, seconds: f64, mut throttle: impl FnMut(Instant) -> bool) {
            let end = self.now + Duration::from_secs_f64(seconds);
            let latency = Duration::from_millis(20);
            let mut pending: Option<(u64, Instant)> = None;
            while self.now < end {
                self.in_flight.sort_by_key(|r| r.0);
                while let Some(&(at, number, throttled)) = self.in_flight.first() {
                    if at > self.now {
                        break;
                    }
                    self.in_flight.remove(0);
                    self.rate.answered(at, number, throttled);
                    self.answers += 1;
                    self.throttled += u32::from(throttled);
                }
                while self.in_flight.len() < 8 {
                    let (number, at) = *pending.get_or_insert_with(|| self.rate.reserve(self.now));
                    if at > self.now {
                        break;
                    }
                    pending = None;
                    let throttled = throttle(self.now);
                    self.in_flight.push((self.now + latency, number, throttled));
                }
                self.now += Duration::from_millis(5);
            }
        }
    }

    /// A token bucket of `per_second`, `burst` deep, as AWS limits an API.
    fn bucket(per_second: f64, burst: f64, start: Instant) -> impl FnMut(Instant) -> bool {
        let (mut tokens, mut last) = (burst, start);
        move |now| {
            tokens = (tokens + now.saturating_duration_since(last).as_secs_f64() * per_second).min(burst);
            last = now;
            if tokens >= 1.0 {
                tokens -= 1.0;
                false
            } else {
                true
            }
        }
    }

    #[test]
    fn no_rate_until_throttled() {
        let mut sim = Sim::new();
        sim.run(2.0, |_| false);
        assert_eq!(sim.rate.rate(), None);
        assert!(sim.answers > 500, "{}", sim.answers);
    }

    #[test]
    fn under_a_rate_limit_the_rate_settles_near_it_and_throttles_are_few() {
        let mut sim = Sim::new();
        let start = sim.now;
        sim.run(60.0, bucket(5.0, 10.0, start));
        let rate = sim.rate.rate().expect("paced");
        assert!(rate > 2.0 && rate < 12.0, "rate {rate}");
        assert_eq!(sim.rate.regime(), Regime::RateLimited);
        // Most of the 5/s the limit allows got through for a minute (plus the burst of 10),
        // and throttles are a small share of what was sent.
        let served = sim.answers - sim.throttled;
        assert!(served > 200 && served <= 310, "{served} served");
        assert!(sim.throttled * 8 < sim.answers, "{} of {} throttled", sim.throttled, sim.answers);
    }

    #[test]
    fn far_above_a_limit_the_rate_comes_down_within_a_few_epochs() {
        let mut sim = Sim::new();
        let start = sim.now;
        sim.run(10.0, bucket(1.0, 2.0, start));
        assert!(sim.rate.rate().unwrap() < 2.0, "{:?}", sim.rate);
        assert!(sim.throttled < 60, "{} throttled", sim.throttled);
    }

    /// Throttles `percent` of requests at random, whatever the rate: the same sequence for a
    /// seed, so that a test is the same every time.
    fn at_random(percent: u64, seed: u64) -> impl FnMut(Instant) -> bool {
        let mut x = seed | 1;
        move |_| {
            // xorshift64
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 100 < percent
        }
    }

    #[test]
    fn throttling_that_does_not_follow_the_rate_does_not_slow_it_down() {
        for seed in std::env::var("PACE_SEED").ok().and_then(|s| s.parse().ok()).map_or(1..=20, |s: u64| s..=s) {
            let mut sim = Sim::new();
            sim.run(30.0, at_random(30, seed));
            assert!(matches!(sim.rate.regime(), Regime::Independent { .. }), "seed {seed}: {:?}", sim.rate);
            assert!(sim.rate.undone >= 1);
            // The endpoint answers 8 requests per 20 ms: the rate stays far above the floor,
            // in the hundreds per second.
            let served = f64::from(sim.answers - sim.throttled) / 30.0;
            assert!(served > 100.0, "seed {seed}: {served:.1}/s served, {:?}", sim.rate);
        }
    }

    #[test]
    fn a_rate_limit_that_starts_later_is_found_again() {
        let mut sim = Sim::new();
        sim.run(10.0, at_random(30, 3));
        assert!(matches!(sim.rate.regime(), Regime::Independent { .. }), "{:?}", sim.rate);
        let now = sim.now;
        sim.throttled = 0;
        sim.answers = 0;
        sim.run(30.0, bucket(5.0, 10.0, now));
        assert_eq!(sim.rate.regime(), Regime::RateLimited, "{:?}", sim.rate);
        assert!(sim.rate.rate().unwrap() < 10.0, "{:?}", sim.rate);
    }

    #[test]
    fn never_below_the_floor() {
        let mut sim = Sim::new();
        sim.run(60.0, |_| true);
        assert_eq!(sim.rate.rate(), Some(FLOOR));
        // Evenly spaced: at most one request per 1/FLOOR seconds once paced at the floor.
        let before = sim.answers;
        sim.run(20.0, |_| true);
        assert!(sim.answers - before <= (20.0 * FLOOR) as u32 + 1, "{}", sim.answers - before);
    }

    #[test]
    fn answers_to_requests_sent_before_a_decision_do_not_count_in_the_next_epoch() {
        let now = Instant::now();
        let mut rate = Rate::new(now);
        let numbers: Vec<u64> = (0..20).map(|_| rate.reserve(now).0).collect();
        for &n in &numbers[..10] {
            rate.answered(now + Duration::from_secs(1), n, true);
        }
        assert_eq!(rate.cuts, 1);
        // The other ten were sent before the cut: their throttles do not cut again.
        for &n in &numbers[10..] {
            rate.answered(now + Duration::from_secs(1), n, true);
        }
        assert_eq!(rate.cuts, 1);
    }
}
