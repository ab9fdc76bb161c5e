/**
 * Concept drift (c), calibration drift: has P(label = 1 | score bin) changed between the
 * reference and the current window?
 *
 * Bins are ../performance/calibration.ts's (equal width on [0, 1], default 10, (e_b, e_{b+1}]
 * with 0 in the first). Per bin b, with k positives out of n observations on each side:
 *   observed rate r = k / n,   difference_b = r_current − r_reference
 * Test of H0 "the positive rate is unchanged in every bin": per bin the Pearson chi-square of
 * the 2×2 table (reference/current × positive/negative), without continuity correction,
 *   χ²_b = N·(a·d − b·c)² / ((a + b)(c + d)(a + c)(b + d)),
 * summed over the bins where both sides have observations and the pooled rate is strictly
 * between 0 and 1 (other bins carry no information about a change). With independent bins the
 * sum is χ² with one degree of freedom per compared bin: p = Q(dof/2, χ²/2).
 * Reference: scipy.stats.chi2_contingency(correction=False) per bin, summed, and
 * scipy.stats.chi2.sf (scripts/reference/comparison.py).
 * Also reported: ECE of each side and ECE(current) − ECE(reference).
 * No comparable bin → χ² and p NaN. States with different bin counts → RangeError.
 */
import { chiSquareSf } from '../drift/index.js'
import { calibrationAccumulator, type CalibrationState } from '../performance/index.js'
import type { StatResult } from '../types.js'

export interface CalibrationBinDrift {
  readonly referenceCount: number
  readonly currentCount: number
  /** NaN for an empty side. */
  readonly referenceRate: number
  readonly currentRate: number
  readonly difference: number
  readonly referenceMeanScore: number
  readonly currentMeanScore: number
  /** This bin's χ² contribution; NaN when the bin is not compared. */
  readonly statistic: number
}

export interface CalibrationDrift extends StatResult {
  readonly bins: readonly CalibrationBinDrift[]
  readonly eceReference: number
  readonly eceCurrent: number
  readonly eceDifference: number
}

export function calibrationDrift(reference: CalibrationState, current: CalibrationState): CalibrationDrift {
  if (reference.nBins !== current.nBins) {
    throw new RangeError(`calibration states differ in bins (${reference.nBins} vs ${current.nBins})`)
  }
  const ece = calibrationAccumulator({ nBins: reference.nBins })
  let stat = 0
  let dof = 0
  const bins = reference.counts.map((nr, b): CalibrationBinDrift => {
    const nc = current.counts[b] as number
    const kr = reference.sumOutcome[b] as number
    const kc = current.sumOutcome[b] as number
    const rate = (k: number, n: number) => (n === 0 ? Number.NaN : k / n)
    const chi = binChiSquare(kr, nr - kr, kc, nc - kc)
    if (!Number.isNaN(chi)) {
      stat += chi
      dof++
    }
    return {
      referenceCount: nr,
      currentCount: nc,
      referenceRate: rate(kr, nr),
      currentRate: rate(kc, nc),
      difference: rate(kc, nc) - rate(kr, nr),
      referenceMeanScore: rate(reference.sumProbability[b] as number, nr),
      currentMeanScore: rate(current.sumProbability[b] as number, nc),
      statistic: chi,
    }
  })
  const eceReference = ece.result(reference).score
  const eceCurrent = ece.result(current).score
  return {
    method: 'calibration_chi2',
    score: dof === 0 ? Number.NaN : stat,
    pValue: dof === 0 ? Number.NaN : chiSquareSf(stat, dof),
    params: { nBins: reference.nBins, dof, test: 'pearson_chi2_per_bin_summed', correction: false },
    bins,
    eceReference,
    eceCurrent,
    eceDifference: eceCurrent - eceReference,
  }
}

/** Pearson χ² of [[a, b], [c, d]] (rows reference/current); NaN when a margin is 0. */
function binChiSquare(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d
  const margins = (a + b) * (c + d) * (a + c) * (b + d)
  return margins === 0 ? Number.NaN : (n * (a * d - b * c) ** 2) / margins
}
