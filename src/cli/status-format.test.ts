import { describe, expect, it } from 'vitest'
import type { ModelSummary, WindowHeadline } from '../read/index.js'
import { clipName, formatStatus, NAME_WIDTH, type StatusAlert } from './status-format.js'

const window: WindowHeadline = {
  model_version: 'v1', window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', closed: false, future: false, evaluated_at: '2026-11-20T12:00:00.000Z',
  predictions: 1200, labeled: 300, label_coverage: 0.25, drift_share: 0.5, n_features: 4, n_drifted: 2, drifted_features: ['x', 'y'], n_insufficient: 0, drift_status: 'ok',
  performance: { metric: 'roc_auc', variant: 'all', realized: 0.8123, estimated: null, n: 300 },
  fairness: { attribute: 'group', metric: 'disparate_impact_ratio', value: 0.72, status: 'ok' }, quality_problems: 1, firing_alerts: 2,
}
const model: ModelSummary = {
  model: 'loan', configured: true, task: 'binary', window_ms: 86_400_000, reference: { kind: 'previous_windows', description: 'previous 2 window(s) of the same version' },
  versions: [{ version: 'v1', windows: 3, first_window_start: '2026-11-18T00:00:00.000Z', last_window_start: '2026-11-20T00:00:00.000Z' }],
  variants: ['all'], latest: window, firing_alerts: 2,
}
const alert: StatusAlert = {
  alert_key: 'k', rule: 'feature-drift-psi', metric: 'drift', model: 'loan', model_version: 'v1', subject: 'x', severity: 'warning', status: 'firing',
  value: 0.31, threshold: 0.2, window_start: '2026-11-20T00:00:00.000Z', window_end: '2026-11-21T00:00:00.000Z', fired_at: '2026-11-20T12:00:00.000Z',
  resolved_at: null, changed_at: '2026-11-20T12:00:00.000Z', details: [], transitions: [], window_open: false,
}

describe('formatStatus', () => {
  it('one block per model with its windows, then the firing alerts', () => {
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [window] }], alerts: [alert] })).toEqual([
      'loan  binary, window 1 d, reference: previous 2 window(s) of the same version; versions v1; firing alerts 2',
      '  VERSION  WINDOW                       PREDICTIONS  LABELED  DRIFT SHARE  PERFORMANCE REALIZED / ESTIMATED  FAIRNESS (WORST)   QUALITY  ALERTS',
      '  v1       2026-11-20 (UTC day) (open)  1200         25.0%    0.50 (2/4)   roc_auc 0.812 / -                 group 0.72 < 0.80  1        2',
      '',
      'FIRING ALERTS',
      'SEVERITY  RULE               MODEL  VERSION  SUBJECT  VALUE  THRESHOLD  WINDOW                SINCE',
      'warning   feature-drift-psi  loan   v1       x        0.310  0.200      2026-11-20 (UTC day)  2026-11-20 12:00 UTC',
    ])
  })
  it('an alert on an open window is marked open, as its window is', () => {
    const lines = formatStatus({ source: { kind: 'store', location: '/d' }, models: [], alerts: [{ ...alert, window_open: true }, { ...alert, subject: 'y' }] })
    expect(lines.slice(-2).map((l) => / 2026-11-20 \(UTC day\)( \(open\))? /.exec(l)?.[1] ?? '')).toEqual([' (open)', ''])
  })

  it('a window that has not started yet is marked future, not open', () => {
    const future = { ...window, window_start: '2026-11-21T00:00:00.000Z', window_end: '2026-11-22T00:00:00.000Z', future: true }
    const lines = formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [future, window] }], alerts: [] })
    expect(lines.slice(2, 4).map((l) => / 2026-11-2\d \(UTC day\)( \(\w+\))? /.exec(l)?.[1])).toEqual([' (future)', ' (open)'])
  })

  it('a window whose features could not be judged says so instead of a share', () => {
    const lines = formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [{ ...window, drift_share: null, n_drifted: 0, n_insufficient: 4, drift_status: 'insufficient' }] }], alerts: [] })
    expect(lines[2]).toContain(' no verdict: insufficient data (4 of 4 features) ')
  })

  it('drift share in the web UI’s words: features without a verdict are counted apart, a window without drift rows is not evaluated', () => {
    const status = (w: Partial<WindowHeadline>) => formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: model, windows: [{ ...window, ...w }] }], alerts: [] })[2]!
    // 2 of 4 features insufficient: the share 0.50 is of the 2 judged, and the line says so.
    expect(status({ drift_share: 0.5, n_drifted: 1, n_insufficient: 2 })).toContain(' 0.50 (1/4; 2 without a verdict) ')
    expect(status({ drift_share: null, n_features: 0, n_drifted: 0, drifted_features: [], drift_status: 'not_evaluated' })).toContain(' not evaluated ')
    // A model's first window, compared with no reference: neither a share over nothing nor insufficient data.
    expect(status({ drift_share: null, n_features: 0, n_drifted: 0, drifted_features: [], drift_status: 'no_reference' })).toContain(' not compared: no reference yet ')
    // Its quality: only missing values could be checked, which is no verdict on the rest.
    expect(status({ drift_share: null, n_features: 0, n_drifted: 0, drifted_features: [], drift_status: 'no_reference', quality_problems: 0 })).toContain(' missing values only (no reference): none missing ')
  })

  it('figures next to their thresholds differ when they differ; closed windows and sub-daily sizes read plainly', () => {
    const lines = formatStatus({
      source: { kind: 'store', location: '/d' },
      models: [{
        summary: { ...model, window_ms: 15 * 60_000 },
        windows: [{ ...window, closed: true, window_start: '2026-11-20T10:15:00.000Z', window_end: '2026-11-20T10:30:00.000Z', fairness: { ...window.fairness!, value: 0.7996 } }],
      }],
      alerts: [{ ...alert, rule: 'disparate-impact', value: 0.79996, threshold: 0.8 }],
    })
    expect(lines[0]).toContain('window 15 min,')
    expect(lines[2]).toContain(' 2026-11-20 10:15–10:30 UTC ')
    expect(lines[2]).not.toContain('(open)')
    expect(lines[2]).toContain(' group 0.7996 < 0.8000 ')
    expect(lines.at(-1)).toContain(' 0.79996  0.80000 ')
  })

  it('says so when there is nothing', () => {
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [], alerts: [] })).toEqual([
      'no models yet: nothing is configured in driftwatch.yaml and no window has been evaluated', 'no firing alerts',
    ])
    expect(formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: { ...model, versions: [] }, windows: [] }], alerts: [] })).toContain('  no evaluated windows yet')

    const unknown = formatStatus({ source: { kind: 'store', location: '/d' }, models: [{ summary: { ...model, configured: false, task: 'unknown', versions: [] }, windows: [] }], alerts: [] })
    expect(unknown.find((l) => l.startsWith('loan'))).toMatch(/^loan {2}task unknown \(not configured here, and its stored figures do not tell\), window/)
  })
})

describe('formatStatus: names a producer sent are shown, never obeyed by the terminal', () => {
  // C0 but newline, DEL, C1, and the bidi embeddings, overrides and isolates.
  const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
  const link = 'f\u001b[31mRED\u001b[0m\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007'

  it('an alert subject, model, version and reference with escape sequences print as \\u escapes, in aligned columns', () => {
    const hostile = { ...model, model: 'loan\u001b[2J', reference: { ...model.reference, description: 'baseline \u202etxt.exe' }, versions: [{ ...model.versions[0]!, version: 'v1\u009b31m' }] }
    const lines = formatStatus({
      source: { kind: 'store', location: '/d' },
      models: [{ summary: hostile, windows: [{ ...window, model_version: 'v1\u009b31m' }] }],
      alerts: [{ ...alert, subject: 'cat\u001b[2J', model: 'loan\u001b[2J' }, { ...alert, subject: link }, { ...alert, subject: 'a\tb\nc' }],
    })
    const text = lines.join('\n')
    expect(text).not.toMatch(TERMINAL_CONTROL)
    expect(lines).toHaveLength(9)
    expect(lines[0]).toMatch(/^loan\\u001b\[2J {2}binary, .*reference: baseline \\u202etxt\.exe; versions v1\\u009b31m;/)
    const alerts = lines.slice(lines.indexOf('FIRING ALERTS') + 1)
    const at = alerts[0]!.indexOf('VALUE')
    // The link, 79 characters rendered, is cut to NAME_WIDTH between two of its escapes.
    expect(alerts.map((l) => l.slice(alerts[0]!.indexOf('SUBJECT'), at).trimEnd())).toEqual(['SUBJECT', 'cat\\u001b[2J', 'f\\u001b[31mRED\\u001b[0m\\u001b]8;;http:/…', 'a\\u0009b\\u000ac'])
    expect(alerts.slice(1).map((l) => l.slice(at, at + 5))).toEqual(['0.310', '0.310', '0.310'])
  })
})

describe('clipName: long names are cut to a width with an ellipsis, after they are rendered for a terminal', () => {
  it('keeps a name that fits, and cuts a longer one to exactly the width, ellipsis included', () => {
    expect(clipName('loan')).toBe('loan')
    expect(clipName('x'.repeat(NAME_WIDTH))).toBe('x'.repeat(NAME_WIDTH))
    expect(clipName('x'.repeat(NAME_WIDTH + 1))).toBe(`${'x'.repeat(NAME_WIDTH - 1)}…`)
    expect(clipName('m'.repeat(256))).toHaveLength(NAME_WIDTH)
  })

  it('measures the escaped text, and never cuts inside an escape sequence', () => {
    // "ab" then ESC: rendered, ESC is the 6 characters \u001b at positions 2..7.
    expect(clipName('ab\u001bcdef', 8)).toBe('ab…')
    expect(clipName('ab\u001bcdef', 9)).toBe('ab\\u001b…')
    expect(clipName('ab\u001b', 8)).toBe('ab\\u001b')
    // Every cut point over a name of escapes: the kept part is whole escapes, and nothing is obeyed.
    const hostile = '\u001b[2J'.repeat(20)
    for (let width = 1; width <= 60; width++) {
      const clipped = clipName(hostile, width)
      expect(clipped.length, String(width)).toBeLessThanOrEqual(width)
      expect(clipped.endsWith('…')).toBe(true)
      expect(clipped.slice(0, -1)).toMatch(/^(\\u001b\[2J)*(\\u001b(\[2?)?)?$/)
      expect(clipped).not.toMatch(/[\u0000-\u001f]/)
    }
  })

  it('never splits a surrogate pair', () => {
    expect(clipName('a😀bc', 3)).toBe('a…')
    expect(clipName('a😀bc', 4)).toBe('a😀…')
  })

  it('a 256-character model, version, subject and attribute keep the tables readable', () => {
    const long = (c: string) => c.repeat(256)
    const lines = formatStatus({
      source: { kind: 'store', location: '/d' },
      models: [{
        summary: { ...model, model: long('m'), versions: [{ ...model.versions[0]!, version: long('v') }] },
        windows: [{ ...window, model_version: long('v'), fairness: { ...window.fairness!, attribute: long('g') } }],
      }],
      alerts: [{ ...alert, rule: long('r'), model: long('m'), model_version: long('v'), subject: long('s') }],
    })
    const clipped = (c: string) => `${c.repeat(NAME_WIDTH - 1)}…`
    expect(lines[0]).toMatch(new RegExp(`^${clipped('m')} {2}binary, .*; versions ${clipped('v')}; firing alerts 2$`))
    expect(lines[2]).toMatch(new RegExp(`^ {2}${clipped('v')} {2}2026-11-20 \\(UTC day\\) \\(open\\) .* ${clipped('g')} 0\\.72 < 0\\.80 `))
    expect(lines.at(-1)).toMatch(new RegExp(`^warning {3}${clipped('r')} {2}${clipped('m')} {2}${clipped('v')} {2}${clipped('s')} {2}0\\.310 `))
    for (const line of lines) expect(line.length, line).toBeLessThan(400)
  })
})
