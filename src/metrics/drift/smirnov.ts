/**
 * Survival function of the one-sided one-sample Smirnov statistic, Pr(D+_n >= x), which
 * scipy's two-sided Kolmogorov distribution uses (×2) in its upper tail. Birnbaum & Tingey
 * (1951), as in scipy 1.17 `scipy.special.smirnov` (xsf `cephes/kolmogorov.h`, `_smirnov`;
 * BSD-3-Clause, © the SciPy developers):
 *
 *   Pr(D+_n >= x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
 *
 * (the last term is left out when n(1−x) is an integer, where it is zero), with scipy's
 * special cases: n = 1, x <= 1/n, x >= 1 − 1/n, an underflowing tail, and the approximation
 * e^(−(6nx+1)²/18n) for n > 10^6.
 *
 * floor(n·x) and its remainder come from the exact product n·x (Dekker), as scipy's
 * double-double `modNX`, so the branch taken near x = k/n is scipy's.
 *
 * Deliberate difference: scipy sums in double-double arithmetic and may use the alternating
 * "upper" sum for tiny x. Every term here is positive and is summed in log space with
 * @stdlib's log-binomial, which keeps ~1e-12 relative accuracy, far inside the 1e-6
 * p-value tolerance; the upper-sum branch (x <= 0.5/√n) is never reached from the two-sided
 * distribution, which calls this only for n·x² > 2.2 or x >= 0.5.
 */
import binomcoefln from '@stdlib/math-base-special-binomcoefln'

const SMIRNOV_MAX_COMPUTE_N = 1_000_000
/** log of the smallest subnormal double (cephes MINLOG). */
const MIN_LOG = -745.1332191019412

export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN
  if (n === 1) return 1 - x
  if (x === 0) return 1
  if (x === 1) return 0
  const [nx, nxLow] = twoProduct(n, x)
  // floor(n·x) and its remainder from the exact product, as scipy's double-double `modNX`:
  // n·x rounded to a double may land on an integer that the exact product is not.
  let nxfl = Math.floor(nx)
  if (nx === nxfl && nxLow < 0) nxfl -= 1
  let alpha = nx - nxfl + nxLow
  if (alpha >= 1) {
    nxfl += 1
    alpha = 0
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return Math.min(Math.max(1 - x * (1 + x) ** (n - 1), 0), 1)
  if (-2 * n * x * x < MIN_LOG) return 0
  if (nxfl >= n - 1) return (1 - x) ** n
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * nx + 1) ** 2) / 18 / n
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp)
  }
  // Last index of the lower sum: ⌊n(1−x)⌋, minus one when n(1−x) is an integer; both are n − ⌊nx⌋ − 1.
  const last = n - nxfl - 1
  let sum = 0
  for (let v = 0; v <= last; v++) {
    const logTerm = binomcoefln(n, v) + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log((n - v - nx) / n)
    sum += Math.exp(logTerm)
  }
  return Math.min(Math.max(x * sum, 0), 1)
}

/** Dekker's exact product: a·b = hi + lo with hi = fl(a·b). */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b
  const [aHi, aLo] = split(a)
  const [bHi, bLo] = split(b)
  const lo = aHi * bHi - hi + aHi * bLo + aLo * bHi + aLo * bLo
  return [hi, lo]
}

/** Veltkamp split of a double into two 26-bit halves. */
function split(a: number): [number, number] {
  const c = 134217729 * a // 2^27 + 1
  const hi = c - (c - a)
  return [hi, a - hi]
}
