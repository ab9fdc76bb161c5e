/**
 * Label coverage of a window: the share of predictions whose ground-truth label has arrived.
 *
 *   coverage = labeled / predictions
 *
 * Performance metrics computed on labeled data describe only the labeled part of the window,
 * so every windowed result carries this next to it. No predictions gives NaN (undefined, not
 * 0). Counts must be non-negative integers with labeled ≤ predictions; anything else is a
 * bug in the join upstream, so it throws a RangeError.
 */
import { metricResult, type MetricResult } from './metric-result.js'

export interface LabelCoverage extends MetricResult {
  readonly method: 'label_coverage'
  readonly params: { readonly labeled: number; readonly predictions: number }
}

export function labelCoverage(labeled: number, predictions: number): LabelCoverage {
  for (const [name, v] of [['labeled', labeled], ['predictions', predictions]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`)
  }
  if (labeled > predictions) {
    throw new RangeError(`labeled (${labeled}) exceeds predictions (${predictions})`)
  }
  const score = predictions === 0 ? Number.NaN : labeled / predictions
  return { ...metricResult('label_coverage', score, {}, predictions, 0), method: 'label_coverage', params: { labeled, predictions } }
}

/** A window's results with its label coverage attached. */
export type WithLabelCoverage<R> = R & { readonly labelCoverage: LabelCoverage }

export function withLabelCoverage<R extends object>(result: R, labeled: number, predictions: number): WithLabelCoverage<R> {
  return { ...result, labelCoverage: labelCoverage(labeled, predictions) }
}
