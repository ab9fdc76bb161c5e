/**
 * Pr(D_n <= d) of the one-sample two-sided Kolmogorov statistic by Durbin's matrix method
 * as organised by Marsaglia, Tsang & Wang (2003), "Evaluating Kolmogorov's distribution",
 * J. Stat. Softw. 8(18). Ported from scipy 1.17 `scipy/stats/_ksstats.py` `_kolmogn_DMTW`
 * (BSD-3-Clause, © the SciPy developers), including its 2^128 rescaling of H^n.
 *
 * With k = ceil(n·d), h = k − n·d and m = 2k − 1, Pr(D_n <= d) = n!/n^n · (H^n)[k−1][k−1]
 * for the m×m matrix H below.
 */
import { E128, EM128, EP128, ldexp } from './float-scaling.js'

export function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1

  // v[j-1] = (1 − h^j)/j!, w[j-1] = 1/(j−1)!, last entry corrected for (2h − 1)^m.
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let fac = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac
    fac /= j
    v[j - 1] = (1 - h ** j) * fac
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m
  v[m - 1] = (1 + tt) * fac

  let hMat: Float64Array = new Float64Array(m * m)
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) hMat[r * m + i] = w[r - i + 1] as number
  }
  for (let r = 0; r < m; r++) hMat[r * m] = v[r] as number
  for (let c = 0; c < m; c++) hMat[(m - 1) * m + c] = v[m - 1 - c] as number

  let power: Float64Array = identity(m)
  let nn = n
  let expnt = 0
  let hExpnt = 0
  while (nn > 0) {
    if (nn % 2 === 1) {
      power = matmul(power, hMat, m)
      expnt += hExpnt
    }
    hMat = matmul(hMat, hMat, m)
    hExpnt *= 2
    if (Math.abs(hMat[(k - 1) * m + (k - 1)] as number) > EP128) {
      for (let i = 0; i < hMat.length; i++) hMat[i] = (hMat[i] as number) / EP128
      hExpnt += E128
    }
    nn = Math.floor(nn / 2)
  }

  let p = power[(k - 1) * m + (k - 1)] as number
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < EM128) {
      p *= EP128
      expnt -= E128
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt)
  return Math.min(Math.max(p, 0), 1)
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) out[i * m + i] = 1
  return out
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number
      if (aik === 0) continue
      for (let j = 0; j < m; j++) out[i * m + j] = (out[i * m + j] as number) + aik * (b[k * m + j] as number)
    }
  }
  return out
}
