/**
 * Pr(D_n <= x) of the one-sample two-sided Kolmogorov statistic by Pomeranz's recursion
 * (Pomeranz 1974, "Exact cumulative distribution of the Kolmogorov-Smirnov statistic for
 * small samples", CACM 17(12)), in the formulation of Simard & L'Ecuyer (2011). Ported from
 * scipy 1.17 `scipy/stats/_ksstats.py` `_kolmogn_Pomeranz` and `_pomeranz_compute_j1j2`
 * (BSD-3-Clause, © the SciPy developers); scipy uses it for n <= 140 and 0.754693 < n·x² <= 4.
 */
import { E128, EM128, EP128, ldexp } from './float-scaling.js'

export function kolmogorovCdfPomeranz(n: number, x: number): number {
  const t = n * x
  const ll = Math.floor(t)
  const f = t - ll
  const g = Math.min(f, 1 - f)
  const ceilf = f > 0 ? 1 : 0
  const roundf = f > 0.5 ? 1 : 0
  const npwrs = 2 * (ll + 1)
  // (g/n)^m/m!, (2g/n)^m/m!, ((1 − 2g)/n)^m/m!
  const gpower = powers(npwrs, g / n)
  const twogpower = powers(npwrs, (2 * g) / n)
  const onem2gpower = powers(npwrs, (1 - 2 * g) / n)

  let v0 = new Float64Array(npwrs)
  let v1 = new Float64Array(npwrs)
  v1[0] = 1
  let v0s = 0
  let v1s = 0
  let expnt = 0
  let [j1, j2] = bounds(0, n, ll, ceilf, roundf)
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1
    ;[v0, v1] = [v1, v0]
    ;[v0s, v1s] = [v1s, v0s]
    v1.fill(0)
    ;[j1, j2] = bounds(i, n, ll, ceilf, roundf)
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower
    const ln2 = j2 - k1 + 1
    if (ln2 > 0) {
      // V1[0:convLen] = convolve(V0[k1−V0s : k1−V0s+ln2], pwrs[:ln2])[convStart : convStart+convLen]
      const start = k1 - v0s
      const aLen = Math.min(ln2, npwrs - start)
      const bLen = Math.min(ln2, npwrs)
      const convStart = j1 - k1
      const convLen = j2 - j1 + 1
      let max = Number.NEGATIVE_INFINITY
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c
        let s = 0
        for (let p = Math.max(0, idx - bLen + 1); p <= Math.min(idx, aLen - 1); p++) {
          s += (v0[start + p] as number) * (pwrs[idx - p] as number)
        }
        v1[c] = s
      }
      for (const value of v1) if (value > max) max = value
      if (max > 0 && max < EM128) {
        for (let c = 0; c < v1.length; c++) v1[c] = (v1[c] as number) * EP128
        expnt -= E128
      }
      v1s = v0s + j1 - k1
    }
  }
  let ans = v1[n - v1s] as number
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128
      expnt += E128
    }
    ans *= m
  }
  if (expnt !== 0) ans = ldexp(ans, expnt)
  return Math.min(Math.max(ans, 0), 1)
}

function powers(count: number, ratio: number): Float64Array {
  const out = new Float64Array(count)
  out[0] = 1
  for (let m = 1; m < count; m++) out[m] = ((out[m - 1] as number) * ratio) / m
  return out
}

/** The interval [j1, j2] of non-zero entries of row i (scipy's `_pomeranz_compute_j1j2`). */
function bounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number
  let j2: number
  if (i === 0) {
    j1 = -ll - ceilf - 1
    j2 = ll + ceilf - 1
  } else {
    const half = Math.floor((i + 1) / 2)
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1
        j2 = n + ll + ceilf - 1
      } else {
        j1 = half - 1 - ll - roundf - 1
        j2 = half + ll - 1 + ceilf - 1
      }
    } else {
      j1 = half - 1 - ll - 1
      j2 = half + ll + roundf - 1
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)]
}
