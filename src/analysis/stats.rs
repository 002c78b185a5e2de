//! Small exact statistics for the explain view and the two-way table: the hypergeometric
//! tail (one-sided Fisher exact test) and the Wilson score interval.

/// `ln(k!)` for `k` up to a bound, summed once: exact to ~1e-12 relative, and cheaper than a
/// gamma function for the thousands of tails an explanation computes.
#[derive(Debug, Clone)]
pub struct LnFactorials(Vec<f64>);

impl LnFactorials {
    pub fn up_to(n: usize) -> Self {
        let mut v = Vec::with_capacity(n + 1);
        let mut acc = 0.0;
        v.push(0.0);
        for k in 1..=n {
            acc += (k as f64).ln();
            v.push(acc);
        }
        LnFactorials(v)
    }

    fn ln_choose(&self, n: u32, k: u32) -> f64 {
        let (n, k) = (n as usize, k as usize);
        self.0[n] - self.0[k] - self.0[n - k]
    }

    /// P(X ≥ k) for X ~ Hypergeometric(population `n_total`, `marked` marked items, `drawn`
    /// draws): the chance that a value which tested `drawn` of `n_total` runs gets at least
    /// `k` of the `marked` failures if failures fell on runs at random. Needs `n_total` no
    /// more than the bound given to [`LnFactorials::up_to`].
    pub fn hypergeometric_tail(&self, n_total: u32, marked: u32, drawn: u32, k: u32) -> f64 {
        self.ln_hypergeometric_tail(n_total, marked, drawn, k).exp()
    }

    /// The natural log of [`LnFactorials::hypergeometric_tail`], which stays finite (and
    /// comparable) where the probability itself would underflow to 0.
    pub fn ln_hypergeometric_tail(&self, n_total: u32, marked: u32, drawn: u32, k: u32) -> f64 {
        let (n, m, d) = (n_total, marked.min(n_total), drawn.min(n_total));
        let lo = (d + m).saturating_sub(n);
        let hi = d.min(m);
        if k <= lo {
            return 0.0;
        }
        if k > hi {
            return f64::NEG_INFINITY;
        }
        let ln_first = self.ln_choose(m, k) + self.ln_choose(n - m, d - k) - self.ln_choose(n, d);
        // Terms relative to the first: below the mode they grow, so the sum is kept relative
        // and only its log is added.
        let (mut term, mut sum, mut j) = (1.0f64, 1.0f64, k);
        while j < hi {
            let num = f64::from(m - j) * f64::from(d - j);
            // n + j + 1 > m + d since j ≥ k > d + m − n: no u32 goes below zero.
            let den = f64::from(j + 1) * f64::from(n + j + 1 - m - d);
            term *= num / den;
            sum += term;
            j += 1;
            if sum > 1e250 {
                // k lies far below the mode: the tail is all but certain.
                return 0.0;
            }
            if term < sum * 1e-17 && num < den {
                break;
            }
        }
        (ln_first + sum.ln()).min(0.0)
    }
}

/// The Wilson score interval of a proportion `k` of `n` at `z` standard errors (1.96 for
/// 95 % two-sided). `(0, 1)` when `n` is 0.
pub fn wilson_interval(k: u32, n: u32, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (f64::from(k), f64::from(n));
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn hypergeometric_tail_matches_hand_counts() {
        let lf = LnFactorials::up_to(100);
        // Urn of 10 with 4 marked, draw 3: P(X=3) = C(4,3)/C(10,3) = 4/120;
        // P(X=2) = C(4,2)·C(6,1)/120 = 36/120.
        assert!(close(lf.hypergeometric_tail(10, 4, 3, 3), 4.0 / 120.0, 1e-12));
        assert!(close(lf.hypergeometric_tail(10, 4, 3, 2), 40.0 / 120.0, 1e-12));
        assert_eq!(lf.hypergeometric_tail(10, 4, 3, 0), 1.0);
        assert_eq!(lf.hypergeometric_tail(10, 4, 3, 4), 0.0);
        // One failure among 100 runs landing on a value with one run: 1 %.
        assert!(close(lf.hypergeometric_tail(100, 1, 1, 1), 0.01, 1e-12));
        // Every draw must hit when marked + drawn exceed the population.
        assert_eq!(lf.hypergeometric_tail(10, 8, 5, 3), 1.0);
        // All 300 failures on the value that tested 1,000 of 100,000 runs: far below f64's
        // range, yet its log is exact: ln C(1000,300) - ln C(100000,300).
        let big = LnFactorials::up_to(100_000);
        let ln_p = big.ln_hypergeometric_tail(100_000, 300, 1000, 300);
        let expect = big.ln_choose(1000, 300) - big.ln_choose(100_000, 300);
        assert!(ln_p.is_finite() && close(ln_p, expect, 1e-9), "{ln_p} {expect}");
        assert_eq!(big.hypergeometric_tail(100_000, 300, 1000, 300), 0.0);
        // A value that tested most runs, for a mode most runs fail (drawn + marked beyond the
        // population, k above the least possible): the demo's dashboard crashed here.
        // P(X ≥ 3), X ~ Hypergeometric(10, 6, 6): (80 + 90 + 24 + 1) / 210.
        assert!(close(lf.hypergeometric_tail(10, 6, 6, 3), 195.0 / 210.0, 1e-12));
    }

    #[test]
    fn wilson_matches_the_textbook_values() {
        // 0 of 10 at 95 %: upper bound z²/(n+z²) = 3.8416/13.8416.
        let (lo, hi) = wilson_interval(0, 10, 1.96);
        assert_eq!(lo, 0.0);
        assert!(close(hi, 3.8416 / 13.8416, 1e-12));
        // 1 of 1: lower bound 1/(1+z²).
        assert!(close(wilson_interval(1, 1, 1.96).0, 1.0 / 4.8416, 1e-12));
    }
}
