import { describe, expect, it } from 'vitest'
import type { WindowDetail, WindowHeadline } from '../api-types.js'
import { chartNotes, comparisonChart, groupFairnessNote, groupRatioCharts, modelCharts, windowRowHealth } from './model.js'
import { routeOf } from '../route-of.js'
import { qualityHealth } from '../health.js'
import { versionNote } from './overview.js'
import { qualitySummary } from './window.js'

const HOUR = 3_600_000
const at = (h: number) => new Date(Date.UTC(2026, 0, 10, h)).toISOString()
const headline = (h: number, extra: Partial<WindowHeadline> = {}): WindowHeadline => ({
  model_version: 'v1', window_start: at(h), window_end: at(h + 1), closed: true, predictions: 300, labeled: 108,
  label_coverage: 0.36, drift_share: 0, n_features: 4, n_drifted: 0, drifted_features: [], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.81, estimated: 0.8, n: 108 }, fairness: { attribute: 'group', metric: 'disparate_impact', value: 0.9, status: 'ok' },
  quality_problems: 0, firing_alerts: 0, ...extra,
})

describe('a window without a reference: only missing values were checked, no green 0', () => {
  it('headline (overview and model table): grey, says missing values only', () => {
    expect(qualityHealth({ quality_problems: 0, drift_status: 'no_reference' })).toEqual({ text: 'missing values only (no reference): none missing', level: 'none' })
    expect(qualityHealth({ quality_problems: 2, drift_status: 'no_reference' })).toEqual({ text: '2 (missing values only: no reference)', level: 'warn' })
    expect(qualityHealth({ quality_problems: 0, drift_status: 'ok' })).toEqual({ text: '0', level: 'ok' })
    expect(windowRowHealth(headline(0, { drift_status: 'no_reference', drift_share: null })).quality.level).toBe('none')
  })

  it('window page: only missing_rate rows is not "No quality problem."', () => {
    const missingOnly = [{ feature: 'x', metric: 'missing_rate', value: 0 }, { feature: 'y', metric: 'missing_rate', value: 0 }]
    expect(qualitySummary(missingOnly, [])).toEqual({ text: 'No missing values; only missing values were checked (no reference to check ranges, new categories and outliers against).', level: 'none' })
    expect(qualitySummary([...missingOnly, { feature: 'x', metric: 'out_of_range_rate', value: 0 }], [])).toEqual({ text: 'No quality problem.', level: 'ok' })
  })

  it('window page: a value out of range as data like the reference has them is no problem; 10% is', () => {
    const drift = [{ target: 'feature', column: 'x', n_reference: 200 }]
    expect(qualitySummary([{ feature: 'x', metric: 'out_of_range_rate', value: 1 / 200, n: 200 }], drift)).toEqual({ text: 'No quality problem.', level: 'ok' })
    expect(qualitySummary([{ feature: 'x', metric: 'out_of_range_rate', value: 0.1, n: 200 }], drift)).toEqual({ text: '1 feature with a quality problem', level: 'warn' })
  })
})

describe('fairness with too few rows per group: a note, never an empty chart', () => {
  it('every headline ratio null (insufficient): the fairness chart says no verdict', () => {
    const ws = [headline(0, { fairness: { attribute: 'group', metric: 'disparate_impact', value: null, status: 'insufficient' } })]
    expect(chartNotes(ws)['fairness']).toEqual({ text: 'No fairness ratio: no verdict: too few rows per group in these windows.', empty: true })
  })

  it('per group: an attribute with no group of enough rows is dropped, and the note says why', () => {
    const d = { window_start: at(0), window_end: at(1), closed: true, fairness: [
      { attribute: 'group', group: 'A', metric: 'selection_rate', value: null, n: 3, status: 'insufficient' },
      { attribute: 'group', group: '', metric: 'disparate_impact', value: null, n: 5, status: 'insufficient' },
    ] } as unknown as WindowDetail
    expect(groupRatioCharts([d])).toEqual([])
    expect(groupFairnessNote([d], 'binary')).toBe('No fairness per group: no verdict: too few rows per group in the recent windows.')
  })
})

describe('the overview names the version its row is of (the rendered cell: test/ui.test.ts)', () => {
  it('versionNote words it', () => expect(versionNote('v2')).toBe(', version v2'))
})

describe('infinite performance figures', () => {
  it('a chart whose every value is infinite says so rather than drawing nothing', () => {
    const ws = [headline(0, { performance: { metric: 'rmse', variant: 'all', realized: 'Infinity', estimated: null, n: 108 } })]
    expect(chartNotes(ws, 'regression')['performance']).toEqual({ text: 'No rmse to draw: its values in these windows are infinite (see the windows table).', empty: true })
  })
})

describe('a variant the version served none of', () => {
  it('says so rather than "too few labeled predictions"', () => {
    const ws = [headline(0, { performance: null }), headline(1, { performance: null })]
    expect(chartNotes(ws, 'binary', undefined, { version: 'v1', variant: 'challenger' })['performance']).toEqual({
      text: 'No performance: version v1 served no challenger predictions in these windows (the variant filters performance only).', empty: true,
    })
  })
})

describe('a traffic outage is a gap on the axis, not skipped', () => {
  it('hourly windows 0, 1 and 5: the axis holds 2-4 with 0 volume and null lines', () => {
    const ws = [headline(0), headline(1), headline(5)]
    const [drift, , , volume] = modelCharts(ws, HOUR)
    expect(drift!.labels).toHaveLength(6)
    expect(drift!.labels[2]).toBe('2026-01-10 02:00 UTC')
    expect(drift!.series[0]!.values).toEqual([0, 0, null, null, null, 0])
    expect(volume!.series[0]!.values).toEqual([300, 300, 0, 0, 0, 300])
    const cmp = comparisonChart([headline(0, { model_version: 'v1' }), headline(3)], [headline(0, { model_version: 'v2' })], HOUR)
    expect(cmp.labels).toHaveLength(4)
  })
})

describe('a malformed hash is not found, not an error', () => {
  it('routeOf', () => expect(routeOf('#/models/%E0%A4%A')).toEqual({ page: 'unknown' }))
})
