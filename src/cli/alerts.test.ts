import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import type { Transition } from '../alerts/lifecycle.js'
import type { DriftwatchError } from '../errors.js'
import { runAlertsList, runAlertsMute, runAlertsUnmute } from './alerts.js'
import { formatAlertList, formatSilences, windowKey } from './alerts-format.js'

const DAY = 86_400_000
const config = loadRuntimeConfig({})
const noStore = () => {
  throw new Error('the store must not be opened for a usage error')
}
const usage = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    return `${(e as DriftwatchError).code}: ${(e as Error).message}`
  }
  return 'no error'
}

describe('driftwatch alerts: usage errors before anything is opened', () => {
  it('mute needs a target and exactly one period', async () => {
    expect(await usage(runAlertsMute(config, { for: '1h' }, { openStore: noStore }))).toBe('DW_CONFIG_INVALID: mute needs --rule, --model, or both')
    expect(await usage(runAlertsMute(config, { rule: 'r' }, { openStore: noStore }))).toMatch(/exactly one of --for/)
    expect(await usage(runAlertsMute(config, { rule: 'r', for: 'soon' }, { openStore: noStore }))).toMatch(/--for must be a duration/)
    expect(await usage(runAlertsMute(config, { rule: 'r', until: '2001-01-01T00:00:00Z' }, { openStore: noStore }))).toMatch(/--until must be a future time/)
    // Stored past 2106 - retention, the silence's TTL would wrap and expire it as it is stored.
    expect(await usage(runAlertsMute(config, { rule: 'r', until: '2110-01-01T00:00:00Z' }, { openStore: noStore }))).toMatch(/^DW_CONFIG_INVALID: a silence must end by 2051-01-01T00:00:00.000Z .*got --until 2110-01-01T00:00:00Z; to stop a rule for good/)
    expect(await usage(runAlertsMute(config, { rule: 'r', for: '30000d' }, { openStore: noStore }))).toMatch(/got --for 30000d/)
  })

  it('unmute needs an id or a target; list checks its flags', async () => {
    expect(await usage(runAlertsUnmute(config, undefined, {}, { openStore: noStore }))).toMatch(/unmute needs a silence id/)
    expect(await usage(runAlertsList(config, { format: 'xml' }, { openStore: noStore }))).toMatch(/--format must be text or json/)
    expect(await usage(runAlertsList(config, { history: 'forever' }, { openStore: noStore }))).toMatch(/--history must be a duration/)
  })
})

describe('alerts list tables', () => {
  const t: Transition = {
    transitionId: 'k#1', alertKey: 'k', seq: 1, status: 'firing', rule: 'psi', metric: 'drift', modelId: 'm', modelVersion: 'v1', subject: 'income',
    severity: 'warning', value: 0.45, threshold: 0.2, windowStartMs: Date.UTC(2026, 0, 2), windowEndMs: Date.UTC(2026, 0, 3), changedAtMs: Date.UTC(2026, 0, 3, 10), details: [],
  }

  it('show each alert with its delivery per channel, and silences', () => {
    const d = { idempotencyKey: 'x', inDoubt: false, nextAttemptMs: Date.UTC(2026, 0, 3, 11), lastError: 'Slack webhook: HTTP 503', attempts: 3 }
    const lines = formatAlertList([{ transition: t, deliveries: [{ ...d, channel: 'email', status: 'sent', attempts: 1, lastError: '' }, { ...d, channel: 'slack', status: 'pending' }] }], Date.UTC(2026, 0, 3, 10, 30))
    expect(lines[0]).toMatch(/^STATUS\s+SEVERITY\s+RULE\s+MODEL\s+VERSION\s+SUBJECT\s+VALUE\s+THRESHOLD\s+WINDOW\s+CHANGED\s+DELIVERY$/)
    expect(lines[1]).toMatch(/^firing\s+warning\s+psi\s+m\s+v1\s+income\s+0\.450\s+0\.200\s+2026-01-02 \(UTC day\)\s+2026-01-03 10:00 UTC\s+email sent; slack pending, 3 attempts, retry 2026-01-03 11:00 UTC: Slack webhook: HTTP 503$/)
    // A sent row's note names who the relay refused.
    const note = 'email: not delivered to 1 recipient: gone@example.com: 550 5.1.1 no such user'
    expect(formatAlertList([{ transition: t, deliveries: [{ ...d, channel: 'email', status: 'sent', attempts: 1, lastError: note }] }], 0)[1]).toMatch(/email sent: email: not delivered to 1 recipient: gone@example\.com/)
    expect(formatAlertList([], 0)).toEqual(['no alerts'])
    expect(formatSilences([{ id: 'ab12', rule: '', modelId: 'm', startsMs: 0, endsMs: DAY, reason: 'retrain', createdBy: 'ana', source: 'cli' }])[1]).toMatch(/^ab12\s+\*\s+m\s+1970-01-01 00:00 UTC\s+1970-01-02 00:00 UTC\s+ana\s+retrain$/)
  })

  it('use the figures of the web UI and `driftwatch status`: a window as one span, marked open while open; a value beside its threshold in the digits that tell them apart', () => {
    const item = (over: Partial<Transition>) => ({ transition: { ...t, ...over }, deliveries: [] })
    const hourly = { windowStartMs: Date.UTC(2026, 10, 20, 14), windowEndMs: Date.UTC(2026, 10, 20, 15) }
    const open = new Set([windowKey('m', 'v1', Date.UTC(2026, 0, 2)), windowKey('m', 'v2', hourly.windowStartMs)])
    const lines = formatAlertList([
      item({ value: 2.15003, threshold: 0.2 }),
      item({ modelVersion: 'v2', value: 0.7996, threshold: 0.8, ...hourly }),
      // Another version's open window is not this alert's.
      item({ modelVersion: 'v3', value: null, threshold: 0.05, ...hourly }),
      // A service-level alert (no model) has no model window to be open.
      item({ modelId: '', modelVersion: '', rule: 'dlq-rate', value: 0.1, threshold: 0.01 }),
    ], 0, open)
    const column = (name: string) => lines.slice(1).map((l) => l.slice(lines[0]!.indexOf(name)).split(/\s{2,}/)[0])
    expect(column('VALUE')).toEqual(['2.150', '0.7996', '-', '0.100'])
    expect(column('THRESHOLD')).toEqual(['0.200', '0.8000', '0.050', '0.010'])
    expect(column('WINDOW')).toEqual(['2026-01-02 (UTC day) (open)', '2026-11-20 14:00–15:00 UTC (open)', '2026-11-20 14:00–15:00 UTC', '2026-01-02 (UTC day)'])
    expect(column('CHANGED')).toEqual(Array(4).fill('2026-01-03 10:00 UTC'))
  })

  it('show a subject, model and silence reason with escape sequences as \\u escapes, which the terminal does not obey', () => {
    const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
    const link = 'f\u001b[31mRED\u001b[0m\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007'
    const d = { idempotencyKey: 'x', inDoubt: false, nextAttemptMs: 0, attempts: 1, channel: 'slack' as const, status: 'failed' as const, lastError: 'HTTP 400: \u001b[2Jbad' }
    const lines = formatAlertList([
      { transition: { ...t, subject: 'cat\u001b[2J', modelId: 'm\u009b31m' }, deliveries: [] },
      { transition: { ...t, subject: link }, deliveries: [d] },
    ], 0)
    expect(lines.join('\n')).not.toMatch(TERMINAL_CONTROL)
    expect(lines).toHaveLength(3)
    const subject = (l: string) => l.slice(lines[0]!.indexOf('SUBJECT'), lines[0]!.indexOf('VALUE')).trimEnd()
    expect(lines.slice(1).map(subject)).toEqual(['cat\\u001b[2J', 'f\\u001b[31mRED\\u001b[0m\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007'])
    expect(lines[1]).toMatch(/ m\\u009b31m /)
    expect(lines[2]).toMatch(/slack failed: HTTP 400: \\u001b\[2Jbad$/)
    const silences = formatSilences([{ id: 'ab12', rule: 'r\u202e', modelId: '', startsMs: 0, endsMs: DAY, reason: 'retrain\u001b]8;;http://evil.example/\u0007', createdBy: 'ana\u0007', source: 'cli' }])
    expect(silences.join('\n')).not.toMatch(TERMINAL_CONTROL)
    expect(silences[1]).toMatch(/^ab12\s+r\\u202e\s+\*\s+.*ana\\u0007\s+retrain\\u001b\]8;;http:\/\/evil\.example\/\\u0007$/)
  })
})
