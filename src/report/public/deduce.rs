//! What a reader can pin down from published counts: interval reasoning
//! over sums. Every unknown count gets a range; each equation
//! `Σ coefficient × count = 0` narrows each of its counts to what the others
//! leave room for, until nothing changes. A count whose range closes on one
//! value can be worked out from the report. This finds everything that
//! subtraction, differences of totals and bounds (a row is at least one
//! search, at most its population) give away; it is sound, not complete (an
//! integer programme could occasionally find more), which is why the rules
//! in `cells` also ask for margins rather than only "not pinned".

/// A range with no upper bound worth the name.
pub const UNBOUNDED: i64 = 1 << 40;

#[derive(Debug, Clone, Default)]
pub struct System {
    lo: Vec<i64>,
    hi: Vec<i64>,
    equations: Vec<Vec<(i64, usize)>>,
}

impl System {
    /// A new count, known to lie in `lo..=hi`.
    pub fn var(&mut self, lo: i64, hi: i64) -> usize {
        self.lo.push(lo);
        self.hi.push(hi);
        self.lo.len() - 1
    }

    pub fn known(&mut self, value: i64) -> usize {
        self.var(value, value)
    }

    /// Narrows a count to `lo..=hi` as well.
    pub fn bound(&mut self, v: usize, lo: i64, hi: i64) {
        self.lo[v] = self.lo[v].max(lo);
        self.hi[v] = self.hi[v].min(hi);
    }

    /// `Σ coefficient × count = 0`.
    pub fn equation(&mut self, terms: Vec<(i64, usize)>) {
        self.equations.push(terms);
    }

    /// `total = Σ parts`.
    pub fn sum(&mut self, total: usize, parts: &[usize]) {
        let mut terms = vec![(1, total)];
        terms.extend(parts.iter().map(|&p| (-1, p)));
        self.equation(terms);
    }

    /// Narrows every range as far as the equations allow. False when they
    /// contradict each other (which a consistent report never does).
    pub fn solve(&mut self) -> bool {
        for _ in 0..200 {
            let mut changed = false;
            for e in 0..self.equations.len() {
                // Each term's contribution c·x lies in [min, max].
                let span = |s: &Self, (c, v): (i64, usize)| {
                    let (a, b) = (c * s.lo[v], c * s.hi[v]);
                    (a.min(b), a.max(b))
                };
                let (mut low, mut high) = (0i64, 0i64);
                for &t in &self.equations[e] {
                    let (a, b) = span(self, t);
                    low = low.saturating_add(a);
                    high = high.saturating_add(b);
                }
                for &(c, v) in &self.equations[e] {
                    let (a, b) = span(self, (c, v));
                    // c·x = −(the rest), the rest lying in [low − a, high − b].
                    let (rest_low, rest_high) = (low - a, high - b);
                    let (from, to) = (-rest_high, -rest_low);
                    let (lo, hi) = if c > 0 {
                        (div_ceil(from, c), div_floor(to, c))
                    } else {
                        (div_ceil(to, c), div_floor(from, c))
                    };
                    if lo > self.lo[v] {
                        self.lo[v] = lo;
                        changed = true;
                    }
                    if hi < self.hi[v] {
                        self.hi[v] = hi;
                        changed = true;
                    }
                    if self.lo[v] > self.hi[v] {
                        return false;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        true
    }

    pub fn range(&self, v: usize) -> (i64, i64) {
        (self.lo[v], self.hi[v])
    }

    pub fn pinned(&self, v: usize) -> Option<i64> {
        (self.lo[v] == self.hi[v]).then_some(self.lo[v])
    }
}

fn div_floor(a: i64, b: i64) -> i64 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn div_ceil(a: i64, b: i64) -> i64 {
    -div_floor(-a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtraction_pins_a_lone_unknown() {
        let mut s = System::default();
        let total = s.known(10);
        let shown = s.known(7);
        let hidden = s.var(0, UNBOUNDED);
        s.sum(total, &[shown, hidden]);
        assert!(s.solve());
        assert_eq!(s.pinned(hidden), Some(3));
    }

    #[test]
    fn two_unknowns_stay_open_unless_bounds_close_them() {
        let mut s = System::default();
        let total = s.known(10);
        let shown = s.known(7);
        let a = s.var(1, UNBOUNDED);
        let b = s.var(1, UNBOUNDED);
        s.sum(total, &[shown, a, b]);
        assert!(s.solve());
        assert_eq!(s.range(a), (1, 2));
        assert_eq!(s.pinned(a), None);
        // A population of one closes b, and a with it.
        s.bound(b, 0, 1);
        assert!(s.solve());
        assert_eq!((s.pinned(a), s.pinned(b)), (Some(2), Some(1)));
    }

    #[test]
    fn contradictions_are_reported() {
        let mut s = System::default();
        let total = s.known(3);
        let part = s.known(5);
        s.sum(total, &[part]);
        assert!(!s.solve());
    }
}
