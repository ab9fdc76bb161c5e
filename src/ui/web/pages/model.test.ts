import { describe, expect, it } from 'vitest'
import { axisBounds, valuesOffAxis } from '../../chart-spec.js'
import type { WindowHeadline } from '../api-types.js'
import { chartNotes, modelCharts, selectOptions, tick } from './model.js'

/** A window headline as the read API sends it (src/read/schemas.ts). */
const headline = (extra: Partial<WindowHeadline> = {}): WindowHeadline => ({
  model_version: 'v1', window_start: '2026-01-10T00:00:00.000Z', window_end: '2026-01-11T00:00:00.000Z', closed: true, predictions: 300, labeled: 108,
  label_coverage: 0.36, drift_share: 0, n_features: 4, n_drifted: 0, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.8, n: 108 }, fairness: { attribute: 'group', metric: 'disparate_impact', value: 0.9, status: 'ok' },
  quality_problems: 0, firing_alerts: 0, ...extra,
})

describe('model page: every chart draws its values inside the bounds of their axis', () => {
  it('label coverage is a percent on a 0-100 right axis: 36% and 86% are bars of different heights', () => {
    const windows = [headline(), headline({ window_start: '2026-01-11T00:00:00.000Z', window_end: '2026-01-12T00:00:00.000Z', label_coverage: 0.86 })]
    const performance = modelCharts(windows)[1]!
    expect(performance.series[2]!.values).toEqual([36, 86])
    expect(axisBounds(performance)).toEqual({ y: {}, y2: { min: 0, max: 100 } })
    for (const spec of modelCharts(windows)) expect(valuesOffAxis(spec), spec.title).toEqual([])
  })

  it('full coverage and none sit on the axis ends', () => {
    const performance = modelCharts([headline({ label_coverage: 1 }), headline({ label_coverage: 0 })])[1]!
    expect(valuesOffAxis(performance)).toEqual([])
  })
})

describe('model page: an empty chart says why', () => {
  it('no reference, no labels yet, no protected attributes', () => {
    const bare = headline({ labeled: 0, label_coverage: 0, drift_share: null, drift_status: 'not_evaluated', n_features: 0, performance: null, fairness: null })
    expect(chartNotes([bare])).toEqual({
      'drift-share': { text: 'No drift share: these windows were not compared with a reference (none was available yet).', empty: true },
      performance: { text: 'No performance yet: no labels have arrived for these windows, and there is no estimate.', empty: true },
      fairness: { text: 'No fairness ratio: the model names no protected attributes (protected in its configuration), or its windows had no groups to compare.', empty: true },
    })
  })

  it('a dataset drift row over no feature is no reference either; a row without any verdict is not', () => {
    expect(chartNotes([headline({ drift_share: null, drift_status: 'ok', n_features: 0 })])['drift-share']!.text).toBe('No drift share: these windows were not compared with a reference (none was available yet).')
    expect(chartNotes([headline({ drift_share: null, drift_status: 'insufficient', n_insufficient: 4 })])['drift-share']!.text).toBe('No drift share: too few rows on a side for a verdict on any feature.')
  })

  it('an estimate without labels keeps the chart, with a note on the missing realized line', () => {
    const notes = chartNotes([headline({ labeled: 0, label_coverage: 0, performance: { metric: 'roc_auc', variant: 'all', realized: null, estimated: 0.8, n: 0 } })])
    expect(notes).toEqual({ performance: { text: 'No realized roc_auc yet: no labels have arrived for these windows; the estimate (CBPE) needs none.', empty: false } })
    expect(chartNotes([headline()])).toEqual({})
  })

  it('a variant the model does not have: the performance chart names it, not "too few labeled predictions" (regression)', () => {
    // The page shows the windows of variant 'all' (the API answers 404 for the unknown variant).
    const windows = [headline({ performance: { metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.8, n: 108 } })]
    expect(chartNotes(windows, 'binary', 'bogus')).toEqual({
      performance: { text: 'No roc_auc: this model has no variant "bogus" (no performance figures of it); pick one above.', empty: true },
    })
    expect(chartNotes([headline({ performance: null })], 'binary', 'bogus')['performance']!.text).not.toMatch(/labeled/)
  })
})

describe('model page: the selectors show the value the page uses', () => {
  it('a value the URL asks for that is not an option is shown, marked, and selected', () => {
    expect(selectOptions('version', ['v1', 'v2'], 'v9')).toEqual([
      { value: 'v9', text: 'v9 (no such version)', selected: true }, { value: 'v1', text: 'v1', selected: false }, { value: 'v2', text: 'v2', selected: false },
    ])
    expect(selectOptions('variant', ['all', 'champion'], 'champion').filter((o) => o.selected)).toEqual([{ value: 'champion', text: 'champion', selected: true }])
  })
})

describe('model page: axis labels of short windows', () => {
  it('5 s windows in one minute read apart; daily windows read as days; open ones are marked', () => {
    expect(tick({ window_start: '2026-01-10T23:37:05.000Z', window_end: '2026-01-10T23:37:10.000Z', closed: true })).toBe('2026-01-10 23:37:05 UTC')
    expect(tick({ window_start: '2026-01-10T23:37:10.000Z', window_end: '2026-01-10T23:37:15.000Z', closed: false })).toBe('2026-01-10 23:37:10 UTC (open)')
    expect(tick(headline())).toBe('2026-01-10 UTC')
    // A window that starts after now is marked so, not as open.
    expect(tick({ window_start: '2026-01-10T23:37:10.000Z', window_end: '2026-01-10T23:37:15.000Z', closed: false, future: true })).toBe('2026-01-10 23:37:10 UTC (future)')
  })
})
