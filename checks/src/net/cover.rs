//! Whether a changing multiset of address blocks covers the internet, kept up to date in
//! `log n` per block added or removed: a segment tree over the elementary address intervals
//! cut by every block's bounds and the bounds of the public space, each node counting the
//! blocks that span it and the public intervals below it that no block covers.
//!
//! This lets a sweep over port segments (adding a rule's sources where its port range
//! starts, removing them after it ends) decide every segment in `n log n` overall, where
//! asking each segment afresh costs `n` per segment.

use super::addr::{AddrSet, Cidr, Family};

/// A counted cover of the public space of one family by blocks known in advance.
pub(crate) struct InternetCover {
    family: Family,
    /// Sorted, distinct starts of the elementary intervals (`points[0] == 0`).
    points: Vec<u128>,
    /// Per leaf: 1 when its interval is public space.
    public: Vec<u32>,
    /// Per node: how many blocks span the node's whole interval (and were not pushed down).
    spanning: Vec<u32>,
    /// Per node: public leaves below it that no block covers.
    uncovered: Vec<u32>,
}

impl InternetCover {
    /// A cover with no block in it yet, for blocks among `blocks` (others are ignored by
    /// [`InternetCover::add`] and [`InternetCover::remove`]).
    pub(crate) fn new<'a>(family: Family, blocks: impl IntoIterator<Item = &'a Cidr>) -> Self {
        let internet = AddrSet::internet(family);
        let mut points = vec![0u128];
        let mut cut = |first: u128, last: u128| {
            points.push(first);
            if let Some(next) = last.checked_add(1).filter(|&n| n <= family.max()) {
                points.push(next);
            }
        };
        for &(a, b) in internet.ranges() {
            cut(a, b);
        }
        for c in blocks.into_iter().filter(|c| c.family == family) {
            cut(c.first, c.last());
        }
        points.sort_unstable();
        points.dedup();
        // Every bound of the public space is a point, so each leaf is wholly public or not.
        let public: Vec<u32> = points.iter().map(|&p| u32::from(internet.contains(p))).collect();
        let leaves = points.len();
        let mut cover = InternetCover {
            family,
            points,
            public,
            spanning: vec![0; 4 * leaves],
            uncovered: vec![0; 4 * leaves],
        };
        cover.build(1, 0, leaves - 1);
        cover
    }

    fn build(&mut self, node: usize, lo: usize, hi: usize) {
        if lo == hi {
            self.uncovered[node] = self.public[lo];
            return;
        }
        let mid = lo + (hi - lo) / 2;
        self.build(2 * node, lo, mid);
        self.build(2 * node + 1, mid + 1, hi);
        self.uncovered[node] = self.uncovered[2 * node] + self.uncovered[2 * node + 1];
    }

    /// The leaves `lo..=hi` of a block, if it is one of the blocks given to [`Self::new`].
    fn leaves(&self, cidr: &Cidr) -> Option<(usize, usize)> {
        if cidr.family != self.family {
            return None;
        }
        let lo = self.points.binary_search(&cidr.first).ok()?;
        let hi = match cidr.last().checked_add(1).filter(|&n| n <= self.family.max()) {
            Some(next) => self.points.binary_search(&next).ok()?.checked_sub(1)?,
            None => self.points.len() - 1,
        };
        Some((lo, hi))
    }

    pub(crate) fn add(&mut self, cidr: &Cidr) {
        if let Some((lo, hi)) = self.leaves(cidr) {
            self.update(1, 0, self.points.len() - 1, lo, hi, true);
        }
    }

    /// Takes back one earlier [`Self::add`] of the same block.
    pub(crate) fn remove(&mut self, cidr: &Cidr) {
        if let Some((lo, hi)) = self.leaves(cidr) {
            self.update(1, 0, self.points.len() - 1, lo, hi, false);
        }
    }

    fn update(&mut self, node: usize, lo: usize, hi: usize, from: usize, to: usize, add: bool) {
        if to < lo || hi < from {
            return;
        }
        if from <= lo && hi <= to {
            // A removal always follows an addition of the same block, which counted exactly
            // these nodes.
            self.spanning[node] = if add { self.spanning[node] + 1 } else { self.spanning[node].saturating_sub(1) };
        } else {
            let mid = lo + (hi - lo) / 2;
            self.update(2 * node, lo, mid, from, to, add);
            self.update(2 * node + 1, mid + 1, hi, from, to, add);
        }
        self.uncovered[node] = if self.spanning[node] > 0 {
            0
        } else if lo == hi {
            self.public[lo]
        } else {
            self.uncovered[2 * node] + self.uncovered[2 * node + 1]
        };
    }

    /// Whether the blocks added (and not removed) cover the whole public space.
    pub(crate) fn covers_internet(&self) -> bool {
        self.uncovered[1] == 0
    }
}
