/**
 * Survival function of the one-sample two-sided Kolmogorov statistic D_n, Pr(D_n > x):
 * scipy's `scipy.stats.kstwo.sf(x, n)`, which `ks_2samp` uses for its asymptotic two-sided
 * p-value. Ported from scipy 1.17 `scipy/stats/_ksstats.py` `_kolmogn` (BSD-3-Clause,
 * © the SciPy developers), following Simard & L'Ecuyer (2011), "Computing the two-sided
 * Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11). The same branches as scipy:
 *
 * - x <= 0 → 1, x >= 1 → 0;
 * - n·x <= 1: Ruben–Gambino, Pr(D_n <= x) = n!/n^n·(2nx − 1)^n (0 for n·x <= 1/2);
 * - n·x >= n − 1: Ruben–Gambino, sf = 2(1 − x)^n;
 * - x >= 1/2: sf = 2·smirnov(n, x) exactly;
 * - n <= 140: Durbin matrix (n·x² <= 0.754693), Pomeranz (<= 4), else 2·smirnov;
 * - n > 140: sf = 0 for n·x² >= 370, 2·smirnov for n·x² >= 2.2, else 1 − cdf with the Durbin
 *   matrix when n <= 100000 and n·x^1.5 <= 1.4, Pelz–Good otherwise.
 *
 * scipy's `kstwobign` (the n → ∞ limit) is not used by the two-sided `ks_2samp`, so it is
 * not needed here.
 */
import { kolmogorovCdfDurbin } from './kstwo-durbin.js'
import { kolmogorovCdfPelzGood } from './kstwo-pelz-good.js'
import { kolmogorovCdfPomeranz } from './kstwo-pomeranz.js'
import { smirnovSf } from './smirnov.js'

const LOG_2PI = Math.log(2 * Math.PI)
// Stirling series coefficients of log(n!) − (n + 1/2)·log n + n − log(2π)/2, highest power first.
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
]

export function kstwoSf(x: number, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN
  if (x >= 1) return 0
  if (x <= 0) return 1
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return 1
    let cdf: number
    if (n <= 140) {
      cdf = 1
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1)
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1))
    }
    return clip(1 - cdf)
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n)
  if (x >= 0.5) return clip(2 * smirnovSf(n, x))
  const nx2 = t * x
  if (n <= 140) {
    if (nx2 <= 0.754693) return clip(1 - kolmogorovCdfDurbin(n, x))
    if (nx2 <= 4) return clip(1 - kolmogorovCdfPomeranz(n, x))
    return clip(2 * smirnovSf(n, x))
  }
  if (nx2 >= 370) return 0
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x))
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? kolmogorovCdfDurbin(n, x) : kolmogorovCdfPelzGood(n, x)
  return clip(1 - cdf)
}

/** log(n!/n^n) by Stirling's series (scipy's `_log_nfactorial_div_n_pow_n`). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n
  let poly = 0
  for (const c of STIRLING) poly = poly * (rn / n) + c
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly
}

function clip(p: number): number {
  return Math.min(Math.max(p, 0), 1)
}
