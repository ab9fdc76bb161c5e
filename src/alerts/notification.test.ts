import { describe, expect, it } from 'vitest'
import { parseRuleFile } from '../rules/parse.js'
import { METRICS } from '../rules/schema.js'
import { alertDashboard, buildNotification, dashboardUrl, decodeNotification, deliveryId, encodeNotification, idempotencyKey } from './notification.js'
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

  it('link an alert of the deployment itself (dlq_rate, no model) to pipeline health over its period, with no model variables', () => {
    const HOUR = 3_600_000
    expect(dashboardUrl('https://g.example', '', '', 10 * HOUR, 11 * HOUR)).toBe(`https://g.example/d/driftwatch-pipeline-health?from=${3 * HOUR}&to=${12 * HOUR}`)
    expect(alertDashboard('')).toEqual({ uid: 'driftwatch-pipeline-health', linkText: 'Open the pipeline health dashboard for this period' })
    expect(alertDashboard('m')).toEqual({ uid: 'driftwatch-model-overview', linkText: 'Open the model dashboard for this window' })
  })

  it.each(METRICS.map((m) => [m]))('link a %s alert to the dashboard that shows it', (metric) => {
    const extra: Record<string, string> = {
      drift: 'statistic: psi', performance: 'statistic: f1', fairness: 'statistic: disparate_impact_ratio', quality: 'statistic: missing_rate', dlq_rate: 'period: 1h',
    }
    const r = parseRuleFile(`rules:\n  - name: r\n    metric: ${metric}\n${extra[metric] ? `    ${extra[metric]}\n` : ''}    condition: { op: '>', threshold: 0 }\n`, 'r.yaml').rules[0]!
    // dlq_rate points name no model (src/alerts/dlq-rate.ts): dead letters failed to decode; every other kind's are a model's.
    const [model, version, subject] = metric === 'dlq_rate' ? ['', '', 'predictions'] : ['loan', 'v1', 'x']
    const latest = { modelId: model, modelVersion: version, subject, labels: { model, version }, windowStartMs: DAY, windowEndMs: 2 * DAY, value: 1, n: 10 }
    const [group] = groupTransitions(transitions(r, [{ modelId: model, modelVersion: version, subject, state: 'breaching' as const, latest }], new Map(), 5))
    const url = new URL(buildNotification(group!, r, 'http://g', 7).dashboardUrl!)
    if (metric === 'dlq_rate') {
      expect(url.pathname).toBe('/d/driftwatch-pipeline-health')
      expect([...url.searchParams.keys()]).toEqual(['from', 'to'])
    } else {
      expect(url.pathname).toBe('/d/driftwatch-model-overview')
      expect(url.searchParams.get('var-model')).toBe(Buffer.from(model).toString('hex').toUpperCase())
    }
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
