//! CPython's `random` module for the calls AutoGPT's blocks make, so that a seeded block picks
//! what AutoGPT picks: `seed(int)` (MT19937 `init_by_array` over the absolute value's 32-bit
//! words), `random()`, `getrandbits`, `_randbelow`, `randint`, `choice`, `sample` (pool or set
//! algorithm, as CPython 3.11 chooses) and `choices` with weights (bisect on the running sums).

use rand_mt::Mt;

/// A `random.Random` instance.
pub struct PyRandom {
    mt: Mt,
}

impl PyRandom {
    /// `random.seed(seed)` for an integer seed.
    pub fn seeded(seed: i64) -> PyRandom {
        let mut magnitude = seed.unsigned_abs();
        let mut key = Vec::new();
        loop {
            key.push(magnitude as u32);
            magnitude >>= 32;
            if magnitude == 0 {
                break;
            }
        }
        PyRandom {
            mt: Mt::new_with_key(key),
        }
    }

    /// A generator seeded from the operating system, as Python's module-level one.
    pub fn from_os() -> PyRandom {
        PyRandom::seeded((rand::random::<u64>() >> 1) as i64)
    }

    /// `random.random()`: 53 random bits as a float in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = u64::from(self.mt.next_u32() >> 5);
        let b = u64::from(self.mt.next_u32() >> 6);
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }

    /// `random.getrandbits(k)` for `k <= 64`, words least significant first.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.mt.next_u32() >> (32 - k));
        }
        let low = u64::from(self.mt.next_u32());
        let high = u64::from(self.mt.next_u32() >> (64 - k));
        low | (high << 32)
    }

    /// `random._randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    pub fn randbelow(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let k = usize::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k) as usize;
            if r < n {
                return r;
            }
        }
    }

    /// `random.randint(a, b)`, both ends included.
    pub fn randint(&mut self, a: usize, b: usize) -> usize {
        a + self.randbelow(b + 1 - a)
    }

    /// `random.choice(seq)` as an index into a sequence of `len` items.
    pub fn choice(&mut self, len: usize) -> usize {
        self.randbelow(len)
    }

    /// `random.sample(population, k)`; `None` when `k` exceeds the population (Python's
    /// "Sample larger than population or is negative").
    pub fn sample<T: Clone>(&mut self, population: &[T], k: usize) -> Option<Vec<T>> {
        let n = population.len();
        if k > n {
            return None;
        }
        let mut setsize = 21usize;
        if k > 5 {
            let exponent = ((k * 3) as f64).ln() / 4f64.ln();
            setsize += 4usize.pow(exponent.ceil() as u32);
        }
        let mut result = Vec::with_capacity(k);
        if n <= setsize {
            let mut pool = population.to_vec();
            for i in 0..k {
                let j = self.randbelow(n - i);
                result.push(pool[j].clone());
                pool[j] = pool[n - i - 1].clone();
            }
        } else {
            let mut selected = std::collections::HashSet::new();
            for _ in 0..k {
                let mut j = self.randbelow(n);
                while selected.contains(&j) {
                    j = self.randbelow(n);
                }
                selected.insert(j);
                result.push(population[j].clone());
            }
        }
        Some(result)
    }

    /// `random.choices(range(len(weights)), weights=weights, k=k)`: indices, with replacement.
    pub fn choices(&mut self, weights: &[f64], k: usize) -> Vec<usize> {
        let mut running = 0.0;
        let cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                running += w;
                running
            })
            .collect();
        let total = running;
        let hi = weights.len().saturating_sub(1);
        (0..k)
            .map(|_| {
                let x = self.random() * total;
                // bisect_right(cumulative, x, 0, hi)
                cumulative[..hi].partition_point(|c| *c <= x)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected value below was printed by CPython 3.11 (`python3 -c …`) on this machine.

    #[test]
    fn random_matches_cpython() {
        // random.seed(42); [random.random() for _ in range(3)]
        let mut r = PyRandom::seeded(42);
        let got: Vec<f64> = (0..3).map(|_| r.random()).collect();
        assert_eq!(
            got,
            [
                0.6394267984578837,
                0.025010755222666936,
                0.27502931836911926
            ]
        );
    }

    #[test]
    fn sample_matches_cpython_in_both_algorithms() {
        // random.seed(42); random.sample(range(10), 3)
        let mut r = PyRandom::seeded(42);
        assert_eq!(
            r.sample(&(0..10).collect::<Vec<_>>(), 3).unwrap(),
            [1, 0, 4]
        );
        // random.seed(7); random.sample(range(1000), 5)  (the set algorithm)
        let mut r = PyRandom::seeded(7);
        assert_eq!(
            r.sample(&(0..1000).collect::<Vec<_>>(), 5).unwrap(),
            SAMPLE_7_1000_5
        );
        // random.seed(-3) seeds as 3.
        let mut a = PyRandom::seeded(-3);
        let mut b = PyRandom::seeded(3);
        assert_eq!(a.random(), b.random());
        // A seed over 32 bits: random.seed(2**40 + 5); random.randint(0, 100)
        let mut r = PyRandom::seeded((1 << 40) + 5);
        assert_eq!(r.randint(0, 100), RANDINT_BIG_SEED);
    }

    #[test]
    fn choices_matches_cpython() {
        // random.seed(1); random.choices(range(4), weights=[1, 0, 3, 6], k=6)
        let mut r = PyRandom::seeded(1);
        assert_eq!(r.choices(&[1.0, 0.0, 3.0, 6.0], 6), CHOICES_1);
    }

    const SAMPLE_7_1000_5: [usize; 5] = [331, 970, 154, 404, 666];
    const RANDINT_BIG_SEED: usize = 64;
    const CHOICES_1: [usize; 6] = [2, 3, 3, 2, 3, 3];
}
