import { describe, expect, it } from 'vitest'
import { parseRuleFile } from '../rules/parse.js'
import { alertKey, transitionId, type Transition } from './lifecycle.js'
import { buildNotification, encodeNotification } from './notification.js'
import { decideNotifications, groupTransitions } from './notify-policy.js'
import { resolvedFirings, RULE_REMOVED, ruleRemovedKeys, ruleRemovedNotification, ruleRemovedResolutions } from './rule-removal.js'

const DAY = 86_400_000
const firing = (rule: string, subject: string, seq = 1, changedAtMs = 5 * DAY): Transition => {
  const key = alertKey(rule, 'm1', 'v1', subject)
  return {
    transitionId: transitionId(key, seq), alertKey: key, seq, status: 'firing', rule, metric: 'drift', modelId: 'm1', modelVersion: 'v1', subject,
    severity: 'warning', value: 0.5, threshold: 0.2, windowStartMs: 2 * DAY, windowEndMs: 3 * DAY, changedAtMs, details: ['x'],
  }
}
const TEXT = 'rule removed: no loaded alert rule is named feature-drift-psi any more, so nothing evaluates it'

describe('resolves of rules that are no longer loaded', () => {
  it('resolve the firing keys of a rule not loaded, the next in their sequence, with the reason and no value', () => {
    const t = firing('feature-drift-psi', 'x', 3)
    expect(ruleRemovedResolutions([t], new Set(['other']), 10 * DAY)).toEqual([{
      ...t, transitionId: transitionId(t.alertKey, 4), seq: 4, status: 'resolved', value: null, changedAtMs: 10 * DAY, details: [TEXT], reason: RULE_REMOVED,
    }])
  })

  it('leave the keys of loaded rules, and keys already resolved, alone', () => {
    const resolved = { ...firing('gone', 'y', 2), status: 'resolved' as const }
    expect(ruleRemovedResolutions([firing('kept', 'x'), resolved], new Set(['kept']), 10 * DAY)).toEqual([])
  })

  it('treat a rename as a removal: the old name resolves, the new name is not touched', () => {
    const loaded = new Set(['feature-drift-psi-v2'])
    const out = ruleRemovedResolutions([firing('feature-drift-psi', 'x'), firing('feature-drift-psi-v2', 'x')], loaded, 10 * DAY)
    expect(out.map((t) => [t.rule, t.status])).toEqual([['feature-drift-psi', 'resolved']])
  })

  it('change a key after its last change, even with a clock behind it', () => {
    const [r] = ruleRemovedResolutions([firing('gone', 'x', 1, 20 * DAY)], new Set(), 10 * DAY)
    expect(r!.changedAtMs).toBe(20 * DAY + 1)
  })

  it('name the keys whose pending transitions the leader decides without the rule', () => {
    const [r] = ruleRemovedResolutions([firing('gone', 'x')], new Set(), 10 * DAY)
    expect([...ruleRemovedKeys([firing('gone', 'x'), r!, firing('other', 'y')])]).toEqual([r!.alertKey])
  })
})

describe('notifying a resolve of a rule that is no longer loaded', () => {
  const rule = parseRuleFile(`rules:\n  - name: feature-drift-psi\n    description: Shifted.\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    channels: [slack, email]\n    emailTo: [ml@example.com]\n`, 'r.yaml').rules[0]!
  const fired = firing('feature-drift-psi', 'x')
  const resolves = ruleRemovedResolutions([fired], new Set(), 10 * DAY)
  const pending = { pending: resolves, latest: new Map([[fired.alertKey, resolves[0]!.transitionId]]), lastFiringNotifiedMs: new Map(), rules: new Map(), nowMs: 10 * DAY }

  it('follows the policy of every resolve: notified when its firing was, held while silenced, skipped when its firing was not', () => {
    const notified = new Set([fired.transitionId])
    expect(decideNotifications({ ...pending, notified, silences: [] }).groups).toHaveLength(1)
    const silence = { id: 's1', rule: 'feature-drift-psi', modelId: '', startsMs: 0, endsMs: 11 * DAY }
    expect(decideNotifications({ ...pending, notified, silences: [silence] }).held.map((h) => h.reason)).toEqual(['silenced by s1'])
    expect(decideNotifications({ ...pending, notified: new Set(), silences: [] }).skipped.map((s) => s.reason)).toEqual(['its firing was not notified'])
  })

  it('goes to the channels its firing went to, in the words of the firing, saying why', () => {
    const [group] = groupTransitions(resolves)
    expect(resolvedFirings(group!)).toEqual([fired.transitionId])
    const said = buildNotification(groupTransitions([fired])[0]!, rule, null, 5 * DAY)
    // The email copy lists only who a partial delivery left to reach: the Slack copy's words are read.
    const rows = [
      { channel: 'email' as const, payload: encodeNotification({ ...said, emailTo: ['late@example.com'] }) },
      { channel: 'slack' as const, payload: encodeNotification(said) },
      { channel: '' as const, payload: '' },
    ]
    const { notification, channels } = ruleRemovedNotification(group!, rows, 'http://grafana:3000', 10 * DAY)
    expect(channels).toEqual(['email', 'slack'])
    expect(notification).toMatchObject({
      status: 'resolved', rule: 'feature-drift-psi', description: 'Shifted.', condition: said.condition, op: '>=', metric: said.metric, subjectLabel: 'feature',
      emailTo: ['ml@example.com'], items: [{ subject: 'x', value: null }], details: [], reason: TEXT, transitionIds: [resolves[0]!.transitionId], createdAtMs: 10 * DAY,
    })
    expect(notification.dashboardUrl).toMatch(/^http:\/\/grafana:3000\/d\//)
  })

  it('goes nowhere when no channel row of its firing is found', () => {
    expect(ruleRemovedNotification(groupTransitions(resolves)[0]!, [{ channel: '', payload: '' }], null, 10 * DAY).channels).toEqual([])
  })
})
