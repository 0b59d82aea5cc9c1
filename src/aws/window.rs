//! A congestion window on the requests in flight to one service in one region of one
//! account: additive increase, multiplicative decrease, as TCP does.
//!
//! A [`Window`] lets at most `limit` requests be in flight at once. `limit` starts at the
//! ceiling (`--max-in-flight`), halves when a request is throttled, and grows back by one
//! request per window's worth of answered requests. A burst of throttles from requests that
//! were already in flight when the window was cut cuts it only once, so one overloaded
//! moment does not collapse it. It never goes below one request in flight: however much
//! AWS throttles, the audit still sends one request after another as fast as the endpoint
//! answers, so its time stays bounded by the endpoint's latency. (A token rate that decays
//! after every throttle, as the SDK's adaptive mode does, falls towards zero when the
//! throttling does not come from Rampart's own rate but from other callers sharing the
//! account's budget; slowing down then never helps.)
//!
//! A window that does not adapt is a plain bound of `ceiling` requests in flight. A paced
//! window (`--retry-mode paced`) keeps that bound and spaces the requests at the rate of its
//! [`Rate`], which slows down only where slowing down lowers the throttling.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::pace::Rate;

/// How a window answers throttling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapt {
    /// It does not: a plain bound on requests in flight.
    Fixed,
    /// The bound halves on a throttle and grows back (additive increase, multiplicative
    /// decrease).
    InFlight,
    /// The bound stays; requests are spaced at a rate that falls only where that helps.
    Paced,
}

/// The window of one (service, account, region).
#[derive(Debug)]
pub struct Window {
    ceiling: usize,
    adapt: Adapt,
    state: Mutex<State>,
    pace: Option<Mutex<Rate>>,
    freed: Notify,
}

#[derive(Debug)]
struct State {
    /// Requests allowed in flight; a fraction grows towards the next whole request.
    limit: f64,
    in_flight: usize,
    /// Requests sent so far; a request's number tells whether it was sent after a cut.
    sent: u64,
    /// `sent` when the window was last cut: throttles of requests sent before it do not
    /// cut it again.
    cut_at: u64,
    /// Times the window was cut (for logs and tests).
    cuts: u64,
}

/// A request's place in the window, from send until its answer's head. Dropped without
/// [`Slot::answered`] (the request failed to be sent, or was abandoned), it frees its place
/// without moving the window.
#[derive(Debug)]
pub struct Slot {
    window: Arc<Window>,
    number: u64,
    /// Its number in the pace's count, when paced.
    paced: Option<u64>,
    done: bool,
}

/// What an answer says about the endpoint's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Answered (successfully or with an error that is not throttling).
    Served,
    /// Throttled (or the service said it was overloaded).
    Throttled,
}

impl Window {
    /// A window of at most `ceiling` requests in flight that answers throttling as `adapt`
    /// says.
    #[cfg(test)]
    pub fn new(ceiling: usize, adapt: Adapt) -> Arc<Self> {
        Self::named(ceiling, adapt, "")
    }

    /// [`Window::new`] for the partition `name` (`ec2-123456789012-eu-west-1`), which its
    /// log lines carry.
    pub fn named(ceiling: usize, adapt: Adapt, name: &str) -> Arc<Self> {
        let ceiling = ceiling.max(1);
        Arc::new(Window {
            ceiling,
            adapt,
            state: Mutex::new(State { limit: ceiling as f64, in_flight: 0, sent: 0, cut_at: 0, cuts: 0 }),
            pace: (adapt == Adapt::Paced).then(|| Mutex::new(Rate::new(tokio::time::Instant::now()).named(name))),
            freed: Notify::new(),
        })
    }

    fn pace(&self) -> Option<std::sync::MutexGuard<'_, Rate>> {
        self.pace.as_ref().map(|pace| pace.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// The paced rate, requests per second (`None`: not paced, or not yet throttled).
    pub fn rate(&self) -> Option<f64> {
        self.pace().and_then(|pace| pace.rate())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a place in the window and, when paced, for the request's turn.
    pub async fn enter(self: &Arc<Self>) -> Slot {
        let mut slot = self.place().await;
        let turn = self.pace().map(|mut pace| pace.reserve(tokio::time::Instant::now()));
        if let Some((number, at)) = turn {
            slot.paced = Some(number);
            tokio::time::sleep_until(at).await;
        }
        slot
    }

    async fn place(self: &Arc<Self>) -> Slot {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            // Registered before the check, so a place freed in between is not missed.
            freed.as_mut().enable();
            {
                let mut state = self.state();
                if state.in_flight < state.allowed() {
                    state.in_flight += 1;
                    state.sent += 1;
                    return Slot { window: self.clone(), number: state.sent, paced: None, done: false };
                }
            }
            freed.await;
        }
    }

    /// Requests allowed in flight now.
    pub fn limit(&self) -> usize {
        self.state().allowed()
    }

    /// Times the window was cut by throttling.
    #[cfg(test)]
    pub fn cuts(&self) -> u64 {
        self.state().cuts
    }

    /// Requests in flight now.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.state().in_flight
    }

    fn leave(&self, number: u64, paced: Option<u64>, answer: Option<Answer>) {
        if let (Some(number), Some(answer), Some(mut pace)) = (paced, answer, self.pace()) {
            pace.answered(tokio::time::Instant::now(), number, answer == Answer::Throttled);
        }
        let mut state = self.state();
        state.in_flight -= 1;
        if self.adapt == Adapt::InFlight {
            match answer {
                Some(Answer::Throttled) if number > state.cut_at => {
                    state.limit = (state.limit / 2.0).max(1.0);
                    state.cut_at = state.sent;
                    state.cuts += 1;
                    tracing::debug!(limit = state.limit, "throttled: window cut");
                }
                Some(Answer::Served) => state.limit = (state.limit + 1.0 / state.limit).min(self.ceiling as f64),
                _ => {}
            }
        }
        drop(state);
        // Every waiter looks again: the window may have grown by more than one place.
        self.freed.notify_waiters();
    }
}

impl State {
    fn allowed(&self) -> usize {
        (self.limit.floor() as usize).max(1)
    }
}

impl Slot {
    /// The request was answered: frees its place and moves the window by what the answer
    /// says.
    pub fn answered(mut self, answer: Answer) {
        self.done = true;
        self.window.leave(self.number, self.paced, Some(answer));
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.done {
            self.window.leave(self.number, self.paced, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_throttle_halves_the_window_and_answers_grow_it_back() {
        let window = Window::new(8, Adapt::InFlight);
        assert_eq!(window.limit(), 8);
        window.enter().await.answered(Answer::Throttled);
        assert_eq!(window.limit(), 4);
        window.enter().await.answered(Answer::Throttled);
        window.enter().await.answered(Answer::Throttled);
        assert_eq!(window.limit(), 1);
        // Never below one request in flight.
        for _ in 0..5 {
            window.enter().await.answered(Answer::Throttled);
        }
        assert_eq!(window.limit(), 1);
        // About one more place per window's worth of answers: 1 → 2 after one answer, 2 → 3
        // after three more (2.5, 2.9, 3.2).
        window.enter().await.answered(Answer::Served);
        assert_eq!(window.limit(), 2);
        window.enter().await.answered(Answer::Served);
        window.enter().await.answered(Answer::Served);
        assert_eq!(window.limit(), 2);
        window.enter().await.answered(Answer::Served);
        assert_eq!(window.limit(), 3);
        // Up to the ceiling, not past it.
        for _ in 0..200 {
            window.enter().await.answered(Answer::Served);
        }
        assert_eq!(window.limit(), 8);
    }

    #[tokio::test]
    async fn throttles_of_requests_sent_before_a_cut_cut_only_once() {
        let window = Window::new(8, Adapt::InFlight);
        let mut burst = Vec::new();
        for _ in 0..8 {
            burst.push(window.enter().await);
        }
        for slot in burst {
            slot.answered(Answer::Throttled);
        }
        assert_eq!((window.limit(), window.cuts()), (4, 1));
        // A request sent after the cut cuts again when throttled.
        window.enter().await.answered(Answer::Throttled);
        assert_eq!((window.limit(), window.cuts()), (2, 2));
    }

    #[tokio::test]
    async fn no_more_in_flight_than_the_window_allows() {
        let window = Window::new(3, Adapt::InFlight);
        let a = window.enter().await;
        let _b = window.enter().await;
        let _c = window.enter().await;
        assert_eq!(window.in_flight(), 3);
        let waiting = tokio::spawn({
            let window = window.clone();
            async move { window.enter().await.answered(Answer::Served) }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "a fourth request went past a window of three");
        // A throttle cuts the window to one: freeing that place lets nobody in yet.
        a.answered(Answer::Throttled);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        assert_eq!((window.limit(), window.in_flight()), (1, 2));
        drop(_b);
        drop(_c);
        tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("let in once places are free").unwrap();
        assert_eq!(window.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_window_that_does_not_adapt_is_a_plain_bound() {
        let window = Window::new(4, Adapt::Fixed);
        for _ in 0..10 {
            window.enter().await.answered(Answer::Throttled);
        }
        assert_eq!((window.limit(), window.cuts()), (4, 0));
        let slots: Vec<Slot> = futures::future::join_all((0..4).map(|_| window.enter())).await;
        assert_eq!(window.in_flight(), 4);
        drop(slots);
        assert_eq!(window.in_flight(), 0);
    }

    #[tokio::test]
    async fn an_abandoned_request_frees_its_place_without_moving_the_window() {
        let window = Window::new(2, Adapt::InFlight);
        window.enter().await.answered(Answer::Throttled);
        let slot = window.enter().await;
        drop(slot);
        assert_eq!((window.limit(), window.in_flight(), window.cuts()), (1, 0, 1));
    }
}
