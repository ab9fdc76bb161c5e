import { describe, expect, it } from 'vitest'
import { parseRuleFile } from '../rules/parse.js'
import { buildNotification, dashboardUrl, decodeNotification, deliveryId, encodeNotification, idempotencyKey } from './notification.js'
import { transitions } from './lifecycle.js'
import { groupTransitions } from './notify-policy.js'

const DAY = 86_400_000
const rule = parseRuleFile(`rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    runbook: check it\n    condition: { op: '>=', threshold: 0.2, consecutive: 2 }\n`, 'r.yaml').rules[0]!

describe('notifications', () => {
  it('have one idempotency key per channel and set of transitions, independent of order', () => {
    expect(idempotencyKey('slack', ['a#1', 'b#1'])).toBe(idempotencyKey('slack', ['b#1', 'a#1']))
    expect(idempotencyKey('slack', ['a#1'])).not.toBe(idempotencyKey('email', ['a#1']))
    expect(idempotencyKey('slack', ['a#1'])).not.toBe(idempotencyKey('slack', ['a#2']))
    expect(idempotencyKey('slack', ['a#1'])).toMatch(/^[0-9a-f]{32}$/)
  })

  it('give receivers an id per deployment, database and window for one outbox key, the same every time it is computed', () => {
    const key = idempotencyKey('email', ['psi|m|v1|income#1'])
    const prod = { deploymentId: '6f1c0f7e-0000-4000-8000-000000000001', database: 'driftwatch' }
    const id = deliveryId(prod, DAY, key)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(deliveryId({ ...prod }, DAY, key)).toBe(id)
    expect(id).not.toBe(key)
    // Another deployment with the same database name (staging), another database of one server, another window.
    expect(deliveryId({ ...prod, deploymentId: '6f1c0f7e-0000-4000-8000-000000000002' }, DAY, key)).not.toBe(id)
    expect(deliveryId({ ...prod, database: 'driftwatch_demo' }, DAY, key)).not.toBe(id)
    expect(deliveryId(prod, 2 * DAY, key)).not.toBe(id)
  })

  it('link the model dashboard with the time range around the window', () => {
    expect(dashboardUrl('https://g.example/', 'loan approval', 'v1', 10 * DAY, 11 * DAY)).toBe(
      `https://g.example/d/driftwatch-model-overview?from=${3 * DAY}&to=${12 * DAY}&var-model=6C6F616E20617070726F76616C&var-version=7631`,
    )
    expect(dashboardUrl(null, 'm', 'v1', 0, 1)).toBeNull()
  })

  it('list the subjects of a group, the worst first', () => {
    const verdicts = [['income', 0.45], ['age', 0.21], ['employment', 0.9]].map(([s, v]) => ({
      modelId: 'm', modelVersion: 'v1', subject: s as string, state: 'breaching' as const,
      latest: { modelId: 'm', modelVersion: 'v1', subject: s as string, labels: { model: 'm', version: 'v1' }, windowStartMs: DAY, windowEndMs: 2 * DAY, value: v as number, n: 10 },
    }))
    const [group] = groupTransitions(transitions(rule, verdicts, new Map(), 5))
    const n = buildNotification(group!, rule, 'http://g', 7)
    expect(n).toMatchObject({
      status: 'firing', rule: 'psi', metric: 'feature drift psi', condition: 'feature drift psi >= 0.2 for 2 consecutive windows', op: '>=', threshold: 0.2,
      subjectLabel: 'feature', modelId: 'm', modelVersion: 'v1', windowStartMs: DAY, windowEndMs: 2 * DAY, runbook: 'check it', createdAtMs: 7, emailTo: null,
    })
    expect(n.items.map((i) => i.subject)).toEqual(['employment', 'income', 'age'])
    expect(n.transitionIds).toHaveLength(3)
  })

  it('keep an infinite value through the outbox, where JSON would write null; a subject named Infinity stays a name', () => {
    const verdicts = [['Infinity', Number.POSITIVE_INFINITY], ['b', Number.NEGATIVE_INFINITY], ['c', null]].map(([s, v]) => ({
      modelId: 'm', modelVersion: 'v1', subject: s as string, state: 'breaching' as const,
      latest: { modelId: 'm', modelVersion: 'v1', subject: s as string, labels: { model: 'm', version: 'v1' }, windowStartMs: DAY, windowEndMs: 2 * DAY, value: v as number | null, n: 10 },
    }))
    const [group] = groupTransitions(transitions(rule, verdicts, new Map(), 5))
    const n = buildNotification(group!, rule, 'http://g', 7)
    const back = decodeNotification(encodeNotification(n))
    expect(back).toEqual(n)
    expect(Object.fromEntries(back.items.map((i) => [i.subject, i.value]))).toEqual({ Infinity: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY, c: null })
  })
})
