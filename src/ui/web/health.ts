/**
 * A window's health in words: shared with `driftwatch status`, so it lives beside the chart spec
 * (../health.ts, pure and DOM-free). Re-exported here for the pages that import it from web/.
 */
import { NO_REFERENCE } from '../../evaluate/dataset-status.js'
import type { Health } from '../health.js'

export { driftHealth, fairnessHealth, featureHealth, FOUR_FIFTHS, type Health } from '../health.js'

/**
 * The headline's quality problems (quality_problems: features with a problem rate above 0,
 * ../quality-problems.ts). A window compared with no reference (drift_status 'no_reference', a
 * model's first window) has only missing-value rates: ranges, categories and outliers are checked
 * against a reference (src/evaluate/quality-rows.ts). Its 0 is no verdict on those, so it is grey
 * and says that only missing values were checked; problems found are still problems.
 */
export function qualityHealth(w: { readonly quality_problems: number; readonly drift_status: string }): Health {
  const n = w.quality_problems
  if (w.drift_status === NO_REFERENCE) {
    return n > 0
      ? { text: `${n} (missing values only: no reference)`, level: 'warn' }
      : { text: 'missing values only (no reference): none missing', level: 'none' }
  }
  return { text: String(n), level: n > 0 ? 'warn' : 'ok' }
}
