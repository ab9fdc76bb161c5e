import { describe, expect, it } from 'vitest'
import type { SeriesVerdict } from '../rules/evaluate.js'
import { parseRuleFile } from '../rules/parse.js'
import { alertKey, transitions, type AlertState } from './lifecycle.js'
import { decideNotifications, type PolicyInput } from './notify-policy.js'

const rule = parseRuleFile(`rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    cooldown: 1h\n    condition: { op: '>=', threshold: 0.2 }\n`, 'r.yaml').rules[0]!
const verdict = (subject: string, state: SeriesVerdict['state'], value = 0.3, day = 1): SeriesVerdict => ({
  modelId: 'm', modelVersion: 'v1', subject, state,
  latest: { modelId: 'm', modelVersion: 'v1', subject, labels: { model: 'm', version: 'v1' }, windowStartMs: day * 1000, windowEndMs: (day + 1) * 1000, value, n: 100 },
})
const state = (subject: string, status: AlertState['status'], seq: number): [string, AlertState] => {
  const key = alertKey('psi', 'm', 'v1', subject)
  return [key, { alertKey: key, status, seq, transitionId: `${key}#${seq}`, changedAtMs: 500 }]
}

describe('lifecycle', () => {
  it('fires a breaching key, resolves a clear firing key, and leaves the rest alone', () => {
    const states = new Map([state('b', 'firing', 1), state('c', 'firing', 3), state('d', 'resolved', 2)])
    const t = transitions(rule, [verdict('a', 'breaching'), verdict('b', 'breaching'), verdict('c', 'clear', 0.1), verdict('d', 'breaching'), verdict('e', 'clear'), verdict('f', 'unknown')], states, 1000)
    expect(t.map((x) => [x.subject, x.status, x.seq, x.transitionId])).toEqual([
      ['a', 'firing', 1, 'psi|m|v1|a#1'],
      ['c', 'resolved', 4, 'psi|m|v1|c#4'],
      ['d', 'firing', 3, 'psi|m|v1|d#3'],
    ])
    expect(t[1]).toMatchObject({ value: 0.1, threshold: 0.2, windowStartMs: 1000, severity: 'warning', metric: 'drift' })
  })

  it('keeps keys collision-free when ids contain the separator', () => {
    expect(alertKey('r', 'a|b', 'v', '')).not.toBe(alertKey('r', 'a', 'b|v', ''))
  })
})

describe('notification policy', () => {
  const fire = (subject: string, seq = 1, at = 1000) => transitions(rule, [verdict(subject, 'breaching')], new Map(seq > 1 ? [state(subject, 'resolved', seq - 1)] : []), at)[0]!
  const resolve = (subject: string, seq: number, at = 2000) => transitions(rule, [verdict(subject, 'clear', 0.1)], new Map([state(subject, 'firing', seq - 1)]), at)[0]!
  const input = (o: Partial<PolicyInput>): PolicyInput => ({
    pending: [], latest: new Map(), notified: new Set(), lastFiringNotifiedMs: new Map(), silences: [], rules: new Map([['psi', rule]]), nowMs: 10_000, ...o,
  })
  const latestOf = (...ts: { alertKey: string; transitionId: string }[]) => new Map(ts.map((t) => [t.alertKey, t.transitionId]))

  it('groups the firings of one model and window into one notification', () => {
    const ts = [fire('income'), fire('age'), fire('debt')]
    const d = decideNotifications(input({ pending: ts, latest: latestOf(...ts) }))
    expect(d.groups).toHaveLength(1)
    expect(d.groups[0]!.transitions.map((t) => t.subject)).toEqual(['age', 'debt', 'income'])
  })

  it('skips a firing that resolved before it was notified, and then its resolve', () => {
    const f = fire('x')
    const r = resolve('x', 2)
    const d = decideNotifications(input({ pending: [f, r], latest: latestOf(r) }))
    expect(d.groups).toEqual([])
    expect(d.skipped.map((s) => s.reason)).toEqual(['resolved before it was notified', 'its firing was not notified'])
  })

  it('notifies a resolve whose firing was notified', () => {
    const r = resolve('x', 2)
    const d = decideNotifications(input({ pending: [r], latest: latestOf(r), notified: new Set([`${r.alertKey}#1`]) }))
    expect(d.groups.map((g) => g.status)).toEqual(['resolved'])
  })

  it('holds transitions matched by an active silence, by rule or by model', () => {
    const f = fire('x')
    for (const s of [{ rule: 'psi', modelId: '' }, { rule: '', modelId: 'm' }]) {
      const d = decideNotifications(input({ pending: [f], latest: latestOf(f), silences: [{ id: 's1', ...s, startsMs: 0, endsMs: 20_000 }] }))
      expect(d.held.map((h) => h.reason)).toEqual(['silenced by s1'])
    }
    const other = decideNotifications(input({ pending: [f], latest: latestOf(f), silences: [{ id: 's2', rule: 'other', modelId: '', startsMs: 0, endsMs: 20_000 }] }))
    expect(other.groups).toHaveLength(1)
    const ended = decideNotifications(input({ pending: [f], latest: latestOf(f), silences: [{ id: 's3', rule: 'psi', modelId: '', startsMs: 0, endsMs: 10_000 }] }))
    expect(ended.groups).toHaveLength(1)
  })

  it('holds a re-firing inside the cooldown of the previous firing notification', () => {
    const f = fire('x', 3, 5000)
    const held = decideNotifications(input({ pending: [f], latest: latestOf(f), lastFiringNotifiedMs: new Map([[f.alertKey, 9000]]) }))
    expect(held.held[0]!.reason).toMatch(/^cooldown until/)
    const later = decideNotifications(input({ pending: [f], latest: latestOf(f), lastFiringNotifiedMs: new Map([[f.alertKey, 9000]]), nowMs: 9000 + 3_600_000 }))
    expect(later.groups).toHaveLength(1)
  })
})
