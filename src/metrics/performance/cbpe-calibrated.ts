/**
 * CBPE with NannyML's calibration step: the scores are first mapped through an isotonic
 * regression of the reference labels on the reference scores (./isotonic.ts, sklearn's
 * IsotonicRegression as nannyml.calibration.IsotonicCalibrator), then ./cbpe.ts's formulas
 * run on the calibrated probabilities, with ŷ and the ROC order still taken from the raw
 * scores (as NannyML does). Without it CBPE assumes the scores are calibrated, and an
 * overconfident model's estimated accuracy is far from its realized one
 * (scripts/reference/fixtures/nannyml_cbpe.json).
 *
 * Streaming form: the reference comes as a score histogram of labeled scores
 * (./score-histogram.ts: positives and negatives per 1/nBins grid point), the window as a CBPE
 * state (counts, Σp and predicted positives per grid point). Each grid point's scores are
 * calibrated at their mean. With scores on the grid this is exactly NannyML's computation;
 * otherwise a score moves by at most 1/(2·nBins) before calibration.
 *
 * When to calibrate (NannyML's needs_calibration, in part): not when the reference labels are
 * all one class or the reference ROC AUC exceeds 0.999. NannyML also skips calibration when a
 * 10-split cross-validated ECE check finds it does not help; driftwatch does not run that
 * check (its shuffled splits cannot be reproduced from merged histograms) and calibrates
 * whenever the reference allows it: for a calibrated model the isotonic map is close to the
 * identity. Pure.
 */
import { aucFromCumulative, type CbpeEstimate, cbpeAccumulator, type CbpeState, estimate } from './cbpe.js'
import { type IsotonicModel, isotonicFit, isotonicPredict } from './isotonic.js'
import { scoreHistogramAccumulator, type ScoreHistogramState } from './score-histogram.js'

/** The isotonic calibration map of a labeled reference, or null when NannyML would not calibrate. */
export function fitCbpeCalibration(reference: ScoreHistogramState): IsotonicModel | null {
  const points = reference.positives.flatMap((pos, k) => {
    const n = pos + (reference.negatives[k] as number)
    return n > 0 ? [{ x: k / reference.nBins, y: pos / n, weight: n }] : []
  })
  const positives = reference.positives.reduce((a, b) => a + b, 0)
  const negatives = reference.negatives.reduce((a, b) => a + b, 0)
  if (positives === 0 || negatives === 0) return null
  if (scoreHistogramAccumulator({ nBins: reference.nBins }).result(reference).rocAuc.score > 0.999) return null
  return isotonicFit(points)
}

/** CBPE estimates of a window, calibrated with `calibration` (uncalibrated when null). */
export function calibratedCbpe(state: CbpeState, calibration: IsotonicModel | null, { threshold = 0.5, roundDecimals = 5 } = {}): CbpeEstimate {
  const predictedPositive = state.predictedPositive
  if (calibration === null || predictedPositive === undefined) {
    const raw = cbpeAccumulator({ threshold, roundDecimals, nBins: state.nBins }).result(state)
    return withCalibrated(raw, false)
  }
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 }
  const points: [number, number][] = []
  let mass = 0
  let count = 0
  for (let k = state.nBins; k >= 0; k -= 1) {
    const n = state.counts[k] as number
    if (n === 0) continue
    const p = isotonicPredict(calibration, (state.mass[k] as number) / n)
    const positive = predictedPositive[k] as number
    confusion.tp += p * positive
    confusion.fp += (1 - p) * positive
    confusion.fn += p * (n - positive)
    confusion.tn += (1 - p) * (n - positive)
    mass += p * n
    count += n
    points.push([mass, count])
  }
  const auc = aucFromCumulative(points, roundDecimals)
  return withCalibrated(estimate(confusion, state.n, state.excluded, auc, { threshold, roundDecimals, nBins: state.nBins }), true)
}

function withCalibrated(e: CbpeEstimate, calibrated: boolean): CbpeEstimate {
  const mark = <T extends { params: object }>(r: T): T => ({ ...r, params: { ...r.params, calibrated } })
  return { ...e, accuracy: mark(e.accuracy), precision: mark(e.precision), recall: mark(e.recall), f1: mark(e.f1), rocAuc: mark(e.rocAuc) }
}
