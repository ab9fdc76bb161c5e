import { describe, expect, it } from 'vitest'
import type { Alert, WindowHeadline } from '../api-types.js'
import { alertWindowOpen, openAlertWindows } from './alerts.js'

const alert = (extra: Partial<Alert>): Alert => ({
  alert_key: 'k', rule: 'drift', metric: 'drift_share', model: 'loan', model_version: 'v1', subject: 'income', severity: 'warning', status: 'firing', value: 0.5,
  threshold: 0.3, window_start: '2026-01-10T00:00:00.000Z', window_end: '2026-01-11T00:00:00.000Z', fired_at: '2026-01-11T00:05:00.000Z', resolved_at: null,
  changed_at: '2026-01-11T00:05:00.000Z', details: [], ...extra,
})
const win = (start: string, closed: boolean, version = 'v1') => ({ model_version: version, window_start: start, closed }) as WindowHeadline

describe('alerts page: an alert on an open window is marked open', () => {
  it("reads the open flag from the model's windows, one request per model from its oldest alert", async () => {
    const asked: [string, string][] = []
    const alerts = [alert({}), alert({ window_start: '2026-01-11T00:00:00.000Z' }), alert({ model_version: 'v2', window_start: '2026-01-11T00:00:00.000Z' }), alert({ model: '', subject: 'predictions' }), alert({ model: 'gone' })]
    const open = await openAlertWindows(alerts, async (model, from) => {
      asked.push([model, from])
      if (model === 'gone') throw new Error('404')
      return [win('2026-01-10T00:00:00.000Z', true), win('2026-01-11T00:00:00.000Z', false), win('2026-01-11T00:00:00.000Z', true, 'v2')]
    })
    expect(asked).toEqual([['loan', '2026-01-10T00:00:00.000Z'], ['gone', '2026-01-10T00:00:00.000Z']])
    expect(alerts.map((a) => alertWindowOpen(a, open))).toEqual([false, true, false, false, false])
  })
})
