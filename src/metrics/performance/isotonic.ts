/**
 * Isotonic (non-decreasing) regression, as `sklearn.isotonic.IsotonicRegression(
 * increasing=True, out_of_bounds='clip')`, the calibrator NannyML's CBPE fits on the
 * reference (nannyml.calibration.IsotonicCalibrator):
 *
 *   fit: points (x, y, weight) sorted by x; equal x merged into their weighted mean y;
 *        pool-adjacent-violators: while a block's mean exceeds the next block's, merge them
 *        (weighted mean). Each x then maps to its block's mean.
 *   predict(x) = linear interpolation between the fitted (x, ŷ), x clipped to [min x, max x]
 *        (np.interp), as sklearn's predict.
 *
 * Input policy: points with a non-finite x or y, or a weight <= 0, are ignored. No point
 * left: predict gives NaN. Pure.
 */

export interface WeightedPoint {
  readonly x: number
  readonly y: number
  readonly weight: number
}

export interface IsotonicModel {
  /** Distinct x, ascending, and the fitted value at each. */
  readonly x: readonly number[]
  readonly y: readonly number[]
}

export function isotonicFit(points: readonly WeightedPoint[]): IsotonicModel {
  const valid = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.weight > 0).sort((a, b) => a.x - b.x)
  // Merge equal x (sklearn's _make_unique).
  const xs: number[] = []
  const sums: number[] = []
  const weights: number[] = []
  for (const p of valid) {
    const last = xs.length - 1
    if (last >= 0 && xs[last] === p.x) {
      sums[last]! += p.y * p.weight
      weights[last]! += p.weight
    } else {
      xs.push(p.x)
      sums.push(p.y * p.weight)
      weights.push(p.weight)
    }
  }
  // Pool adjacent violators over blocks (sum of w·y, sum of w, number of x).
  const blocks: { sum: number; weight: number; size: number }[] = []
  for (let i = 0; i < xs.length; i++) {
    blocks.push({ sum: sums[i]!, weight: weights[i]!, size: 1 })
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!
      const a = blocks[blocks.length - 2]!
      if (a.sum / a.weight <= b.sum / b.weight) break
      blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, weight: a.weight + b.weight, size: a.size + b.size })
    }
  }
  const y = blocks.flatMap((b) => new Array<number>(b.size).fill(b.sum / b.weight))
  return { x: xs, y }
}

/** np.interp(clip(x, min, max), model.x, model.y). */
export function isotonicPredict(model: IsotonicModel, x: number): number {
  const n = model.x.length
  if (n === 0 || Number.isNaN(x)) return Number.NaN
  if (x <= model.x[0]!) return model.y[0]!
  if (x >= model.x[n - 1]!) return model.y[n - 1]!
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (model.x[mid]! <= x) lo = mid
    else hi = mid
  }
  const x0 = model.x[lo]!
  const x1 = model.x[hi]!
  const y0 = model.y[lo]!
  return y0 + ((model.y[hi]! - y0) * (x - x0)) / (x1 - x0)
}
