import { describe, expect, it } from 'vitest'
import type { HeadlineFairness, WindowHeadline } from './web/api-types.js'
import { driftHealth, fairnessHealth, featureHealth } from './health.js'
import { worstFairness } from '../read/headline.js'

/** A window headline as the read API sends it (src/read/schemas.ts, WindowHeadlineSchema). */
const window = (extra: Partial<WindowHeadline> = {}): WindowHeadline => ({
  model_version: 'v1', window_start: '2026-11-21T00:00:00.000Z', window_end: '2026-11-22T00:00:00.000Z', closed: true, predictions: 500, labeled: 100,
  label_coverage: 0.2, drift_share: 0, n_features: 4, n_drifted: 0, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: null, fairness: null, quality_problems: 0, firing_alerts: 0, ...extra,
})
const fairness = (extra: Partial<HeadlineFairness>): HeadlineFairness => ({ attribute: 'group', metric: 'disparate_impact_ratio', value: 0.9, status: 'ok', ...extra })

describe('health of a window headline: a status without a verdict is never ok', () => {
  it('drift share: no verdict when no feature could be judged, not evaluated without drift rows', () => {
    expect(driftHealth(window({ drift_share: null, n_insufficient: 4, drift_status: 'insufficient' }))).toEqual({ text: 'no verdict: insufficient data (4 of 4 features)', level: 'none' })
    expect(driftHealth(window({ drift_share: null, n_features: 0, drift_status: 'not_evaluated' }))).toEqual({ text: 'not evaluated', level: 'none' })
    // Every feature with a configured method that does not apply: no share, though the status is 'ok'.
    expect(driftHealth(window({ drift_share: null }))).toEqual({ text: 'no verdict (0 of 4 features judged)', level: 'none' })
  })

  it('drift share of a window compared with no reference (a first window): said so, neither ok nor insufficient', () => {
    const first = window({ drift_share: null, n_features: 0, drift_status: 'no_reference' })
    expect(driftHealth(first)).toEqual({ text: 'not compared: no reference yet', level: 'none' })
    expect(featureHealth(first, 'income')).toEqual({ text: 'not compared: no reference yet', level: 'none' })
  })

  it('drift share: features left without a verdict are named, and the window is not shown as plainly ok', () => {
    expect(driftHealth(window({ drift_share: 0, n_insufficient: 1 }))).toEqual({ text: '0.00 (0/4; 1 without a verdict)', level: 'warn' })
    expect(driftHealth(window({ drift_share: 0.5, n_drifted: 1, n_insufficient: 2 }))).toEqual({ text: '0.50 (1/4; 2 without a verdict)', level: 'bad' })
    expect(driftHealth(window())).toEqual({ text: '0.00 (0/4)', level: 'ok' })
    expect(driftHealth(window({ drift_share: 0.25, n_drifted: 1 }))).toEqual({ text: '0.25 (1/4)', level: 'bad' })
  })

  it('worst fairness ratio: insufficient groups are no verdict; a partial comparison is not plainly ok', () => {
    expect(fairnessHealth(fairness({ value: null, status: 'insufficient' }))).toEqual({ text: 'group: no verdict (insufficient)', level: 'none' })
    expect(fairnessHealth(fairness({ value: 0.95, status: 'insufficient' }))).toEqual({ text: 'group: no verdict (insufficient)', level: 'none' })
    expect(fairnessHealth(fairness({ value: null }))).toEqual({ text: 'group: no verdict', level: 'none' })
    expect(fairnessHealth(fairness({ value: 0.9, status: 'partial' }))).toEqual({ text: 'group 0.90 (partial)', level: 'warn' })
    expect(fairnessHealth(fairness({ value: 0.7, status: 'partial' }))).toEqual({ text: 'group 0.70 < 0.80 (partial)', level: 'bad' })
    expect(fairnessHealth(fairness({ value: 0.9 }))).toEqual({ text: 'group 0.90', level: 'ok' })
    expect(fairnessHealth(fairness({ value: 0.7 }))).toEqual({ text: 'group 0.70 < 0.80', level: 'bad' })
  })

  it('a ratio just under the 4/5 rule shows the digits that put it under, never "0.80" in a red badge', () => {
    expect(fairnessHealth(fairness({ value: 0.7996 }))).toEqual({ text: 'group 0.7996 < 0.8000', level: 'bad' })
    expect(fairnessHealth(fairness({ value: 0.8 }))).toEqual({ text: 'group 0.80', level: 'ok' })
  })

  it('disparate impact by its upper bound, as the default alert rule: red only beyond sampling noise', () => {
    expect(fairnessHealth(fairness({ value: 0.43, upper_bound: 0.71 }))).toEqual({ text: 'group ratio 0.43, upper bound 0.71 < 0.80', level: 'bad' })
    expect(fairnessHealth(fairness({ value: 0.7, upper_bound: 0.92 }))).toEqual({ text: 'group 0.70: below 4/5 within sampling noise (upper bound 0.92)', level: 'warn' })
    expect(fairnessHealth(fairness({ value: 0.7, upper_bound: 0.92, status: 'partial' }))).toEqual({ text: 'group 0.70: below 4/5 within sampling noise (upper bound 0.92) (partial)', level: 'warn' })
    expect(fairnessHealth(fairness({ value: 0.9, upper_bound: 1.2 }))).toEqual({ text: 'group 0.90', level: 'ok' })
    // The bound just under 0.8 gets the digits that put it under.
    expect(fairnessHealth(fairness({ value: 0.6, upper_bound: 0.7996 }))).toEqual({ text: 'group ratio 0.60, upper bound 0.7996 < 0.8000', level: 'bad' })
    // A bound that could not be computed (null) or a window stored before the bound: the ratio alone.
    expect(fairnessHealth(fairness({ value: 0.7, upper_bound: null }))).toEqual({ text: 'group 0.70 < 0.80', level: 'bad' })
  })

  it('the headline built from stored rows carries the bound of the attribute the alert rule would flag', () => {
    const row = (attribute: string, metric: string, value: number | null) => ({ attribute, metric, value, status: 'ok' })
    // age's ratio is the lowest by noise; region's is below 4/5 beyond it.
    const rows = [
      row('age', 'disparate_impact_ratio', 0.5), row('age', 'disparate_impact_ratio_upper', 1.3),
      row('region', 'disparate_impact_ratio', 0.75), row('region', 'disparate_impact_ratio_upper', 0.77),
    ]
    const headline = worstFairness(rows)!
    expect(headline).toEqual({ attribute: 'region', metric: 'disparate_impact_ratio', value: 0.75, status: 'ok', upper_bound: 0.77 })
    expect(fairnessHealth(headline)).toEqual({ text: 'region ratio 0.75, upper bound 0.77 < 0.80', level: 'bad' })
    // Within noise everywhere: the lowest bound's attribute, amber.
    expect(fairnessHealth(worstFairness(rows.slice(0, 2))!)).toEqual({ text: 'age 0.50: below 4/5 within sampling noise (upper bound 1.30)', level: 'warn' })
    // Stored before the bound: the lowest ratio, without upper_bound, read as before.
    const old = worstFairness(rows.filter((r) => r.metric === 'disparate_impact_ratio'))!
    expect(old).toEqual({ attribute: 'age', metric: 'disparate_impact_ratio', value: 0.5, status: 'ok' })
    expect(fairnessHealth(old)).toEqual({ text: 'age 0.50 < 0.80', level: 'bad' })
    // A bound that is not defined (NaN, stored null) beside a ratio: null, and the ratio alone.
    expect(worstFairness([row('age', 'disparate_impact_ratio', 0.5), row('age', 'disparate_impact_ratio_upper', null)])).toMatchObject({ attribute: 'age', upper_bound: null })
  })

  it('a feature in a window: drift, no drift, or no verdict as the window says', () => {
    expect(featureHealth(window({ drifted_features: ['income'], n_drifted: 1, drift_share: 0.25 }), 'income')).toEqual({ text: 'drift', level: 'bad' })
    expect(featureHealth(window(), 'income')).toEqual({ text: 'no drift', level: 'ok' })
    expect(featureHealth(window({ drift_share: null, n_insufficient: 4, drift_status: 'insufficient' }), 'income')).toEqual({ text: 'no verdict: insufficient data', level: 'none' })
    expect(featureHealth(window({ drift_share: null, n_features: 0, drift_status: 'not_evaluated' }), 'income')).toEqual({ text: 'not evaluated', level: 'none' })
    // The headline does not say which features lacked data: not drifted, or not judged.
    expect(featureHealth(window({ n_insufficient: 1 }), 'income')).toEqual({ text: 'no drift, or no verdict (1 of 4 features without one)', level: 'warn' })
  })
})
