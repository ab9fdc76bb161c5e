import { describe, expect, it } from 'vitest'
import type { AlertView, ModelSummary, WindowHeadline } from '../read/index.js'
import { formatStatus } from './status-format.js'

const window: WindowHeadline = {
  model_version: 'v1', window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', closed: false, evaluated_at: '2026-11-20T12:00:00.000Z',
  predictions: 1200, labeled: 300, label_coverage: 0.25, drift_share: 0.5, n_features: 4, n_drifted: 2, drifted_features: ['x', 'y'], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.8123, estimated: null, n: 300 },
  fairness: { attribute: 'group', metric: 'disparate_impact_ratio', value: 0.72, status: 'ok' }, quality_problems: 1, firing_alerts: 2,
}
const model: ModelSummary = {
  model: 'loan', configured: true, task: 'binary', window_ms: 86_400_000, reference: { kind: 'previous_windows', description: 'previous 2 window(s) of the same version' },
  versions: [{ version: 'v1', windows: 3, first_window_start: '2026-11-18T00:00:00.000Z', last_window_start: '2026-11-20T00:00:00.000Z' }],
  variants: ['all'], latest: window, firing_alerts: 2,
}
const alert: AlertView = {
  alert_key: 'k', rule: 'feature-drift-psi', metric: 'drift', model: 'loan', model_version: 'v1', subject: 'x', severity: 'warning', status: 'firing',
  value: 0.31, threshold: 0.2, window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', fired_at: '2026-11-20T12:00:00.000Z',
  resolved_at: null, changed_at: '2026-11-20T12:00:00.000Z', details: [], transitions: [],
}

describe('formatStatus', () => {
  it('one block per model with its windows, then the firing alerts', () => {
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [window] }], alerts: [alert] })).toEqual([
      'loan  binary, window 1d, reference: previous 2 window(s) of the same version; versions v1; firing alerts 2',
      '  VERSION  WINDOW                   PREDICTIONS  LABELED  DRIFT SHARE  PERFORMANCE REALIZED / ESTIMATED  FAIRNESS (WORST)  QUALITY  ALERTS',
      '  v1       2026-11-20 00:00 (open)  1200         25.0%    0.50 (2/4)   roc_auc 0.812 / -                 0.72 group        1        2',
      '',
      'FIRING ALERTS',
      'SEVERITY  RULE               MODEL  VERSION  SUBJECT  VALUE  THRESHOLD  WINDOW            SINCE',
      'warning   feature-drift-psi  loan   v1       x        0.310  0.200      2026-11-20 00:00  2026-11-20 12:00',
    ])
  })
  it('a window whose features could not be judged says so instead of a share', () => {
    const lines = formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [{ ...window, drift_share: null, n_drifted: 0, n_insufficient: 4, drift_status: 'insufficient' }] }], alerts: [] })
    expect(lines[2]).toContain(' insufficient data (4/4) ')
  })

  it('says so when there is nothing', () => {
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [], alerts: [] })).toEqual([
      'no models yet: nothing is configured in driftwatch.yaml and no window has been evaluated', 'no firing alerts',
    ])
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: { ...model, versions: [] }, windows: [] }], alerts: [] })).toContain('  no evaluated windows yet')
  })
})
