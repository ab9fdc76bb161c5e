/**
 * Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, ported from
 * scipy 1.17 (`scipy/stats/_stats_py.py` `_attempt_exact_2kssamp` and
 * `_compute_prob_outside_square`, `scipy/stats/_stats_pythran.py`
 * `_compute_outer_prob_inside_method`; BSD-3-Clause, © the SciPy developers).
 *
 * With sizes m, n, g = gcd(m, n) and lcm = m·n/g, the statistic is snapped to the lattice:
 * h = round(D·lcm) (numpy rounds half to even) and D = h/lcm. The p-value is the proportion
 * of monotone lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm
 * (Hodges 1958, following Drion/Gnedenko/Korolyuk):
 * - m = n: P = 2·Σ_k (−1)^(k−1)·C(2n, n−k·h)/C(2n, n), evaluated Horner-style so that no
 *   binomial is formed (scipy's `_compute_prob_outside_square`);
 * - m ≠ n: Viehmann's recursion (arXiv:2102.08037) for 1 − p over a sliding column window
 *   (scipy's `_compute_outer_prob_inside_method`).
 * scipy's `_count_paths_outside_method` serves only the one-sided alternatives, which
 * driftwatch does not offer, so it is not ported.
 *
 * The result is `{ ok: false }` when the computation leaves [0, 1] (scipy then warns and
 * switches to the asymptotic distribution, with the snapped D).
 */

export interface ExactKs {
  readonly ok: boolean
  /** D snapped to h/lcm (scipy returns this D, also when it falls back). */
  readonly d: number
  readonly pValue: number
}

export function exactKsTwoSided(m: number, n: number, d: number): ExactKs {
  const g = gcd(m, n)
  const lcm = (m / g) * n
  const h = roundHalfEven(d * lcm)
  const snapped = h / lcm
  if (h === 0) return { ok: true, d: snapped, pValue: 1 }
  const p = m === n ? probOutsideSquare(n, h) : outerProbInside(m, n, g, h)
  const ok = p >= 0 && p <= 1
  return { ok, d: snapped, pValue: ok ? p : Number.NaN }
}

/** Pr(D_{n,n} >= h/n). */
function probOutsideSquare(n: number, h: number): number {
  // P = 2·A0·(1 − A1·(1 − A2·(1 − …))), each A_k a ratio of h simple factors.
  let p = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    p = p1 * (1 - p)
  }
  return 2 * p
}

/** Proportion of paths that do not stay strictly inside |n·x/g − m·y/g| < h. */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0)
  const n = Math.min(m0, n0)
  const mg = m / g
  const ng = n / g
  // A holds a sliding window of one column of the (1 − p) recursion; minj tracks the slide.
  let minj = 0
  let maxj = Math.min(Math.ceil(h / mg), n + 1)
  let curlen = maxj - minj
  const lenA = Math.min(2 * maxj + 2, n + 1)
  const a = new Float64Array(lenA).fill(1)
  a.fill(0, minj, maxj)
  for (let i = 1; i <= m; i++) {
    const lastminj = minj
    const lastlen = curlen
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n)
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxj <= minj) return 1
    let val = minj === 0 ? 0 : 1
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j)
      a[jj] = val
    }
    curlen = maxj - minj
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen))
  }
  return a[maxj - minj - 1] as number
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** numpy's np.round (IEEE round half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}
