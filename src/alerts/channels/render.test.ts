import { describe, expect, it } from 'vitest'
import type { Notification } from '../notification.js'
import { emailContent } from './email-content.js'
import { grafanaAnnotation } from './grafana.js'
import { slackMessage } from './slack.js'

const DAY = 86_400_000
const base: Notification = {
  status: 'firing', rule: 'feature-drift-psi', description: 'Feature shifted <fast>', severity: 'warning', runbook: 'Check the source & retrain',
  metric: 'feature drift psi', condition: 'feature drift psi >= 0.2', op: '>=', threshold: 0.2, subjectLabel: 'feature',
  modelId: 'loan-approval', modelVersion: 'v1', windowStartMs: Date.UTC(2026, 9, 10), windowEndMs: Date.UTC(2026, 9, 10) + DAY,
  items: [{ subject: 'income', value: 0.4512 }, { subject: 'employment', value: 0.31 }], details: [], transitionIds: ['a#1', 'b#1'],
  dashboardUrl: 'http://grafana:3000/d/driftwatch-model-overview?from=1&to=2&var-model=loan-approval', emailTo: null, createdAtMs: 0,
}

describe('Slack Block Kit message', () => {
  it('has a fallback text, a header, fields and the top features, within Block Kit limits', () => {
    const m = slackMessage(base, { idempotencyKey: 'k1', inDoubt: false })
    expect(m.text).toContain('FIRING warning: loan-approval v1: feature drift psi &gt;= 0.2 (2 features)')
    const blocks = m.blocks as { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { text: string }[] }[]
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'section', 'context'])
    expect(blocks[0]!.text).toEqual({ type: 'plain_text', text: 'FIRING: loan-approval v1 · feature drift psi', emoji: true })
    expect(blocks[1]!.text!.text).toContain('Feature shifted &lt;fast&gt;')
    expect(blocks[2]!.fields!.map((f) => f.text)).toEqual([
      '*Model*\nloan-approval', '*Version*\nv1', '*Metric*\nfeature drift psi', '*Value*\n0.4512 (threshold &gt;= 0.2) (worst)',
      '*Window*\n2026-10-10 00:00 – 2026-10-11 00:00 UTC', '*Severity*\nwarning',
    ])
    expect(blocks[3]!.text!.text).toBe('*Top features*\n• income: 0.4512\n• employment: 0.31')
    expect(blocks[4]!.text!.text).toBe('*Runbook*\nCheck the source &amp; retrain')
    expect(blocks[5]!.text!.text).toBe(`<${base.dashboardUrl}|Open the model dashboard for this window>`)
    expect(blocks[6]!.elements![0]!.text).toBe('rule `feature-drift-psi` · driftwatch · id k1')
  })

  it('says when a re-send may repeat an earlier message, and shortens long lists', () => {
    const many = { ...base, items: Array.from({ length: 25 }, (_, i) => ({ subject: `f${i}`, value: 1 - i / 100 })) }
    const m = slackMessage(many, { idempotencyKey: 'k', inDoubt: true })
    const texts = JSON.stringify(m.blocks)
    expect(texts).toContain('this may repeat an earlier message')
    expect(texts).toContain('… and 15 more')
  })

  it('escapes the fallback text as the blocks are: a mention, a user or a link in a model id or feature name stays text', () => {
    const hostile = {
      ...base,
      modelId: '<!here> fraud&co',
      items: [{ subject: '<@U024BE7LH>', value: 0.9 }, { subject: '<https://evil.example|reset your password>', value: 0.8 }, { subject: 'a&b', value: 0.7 }],
      details: ['<!channel>'],
      dashboardUrl: null,
    }
    const m = slackMessage(hostile, { idempotencyKey: 'k1', inDoubt: false })
    expect(m.text).toContain('&lt;!here&gt; fraud&amp;co')
    expect(m.text).toContain('&lt;@U024BE7LH&gt; 0.9, &lt;https://evil.example|reset your password&gt; 0.8, a&amp;b 0.7')
    const mrkdwnTexts = [m.text, ...JSON.stringify(m.blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)!]
    for (const t of mrkdwnTexts) {
      expect(t).not.toMatch(/<[!@]|<https:\/\/evil/)
      // Every & is an entity Slack decodes: nothing raw, nothing cut in half.
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/)
    }
  })

  it('clips after escaping, never inside an entity', () => {
    for (const pad of ['', 'x', 'xx', 'xxx', 'xxxx']) {
      const m = slackMessage({ ...base, modelId: pad + '&'.repeat(2000), runbook: pad + '<'.repeat(3000) }, { idempotencyKey: 'k', inDoubt: false })
      expect(m.text.length).toBeLessThanOrEqual(3000)
      expect(m.text.endsWith('…')).toBe(true)
      expect(m.text).not.toMatch(/&(?!amp;|lt;|gt;)/)
      const runbook = (m.blocks as { text?: { text: string } }[]).find((b) => b.text?.text.startsWith('*Runbook*'))!.text!.text
      expect(runbook.length).toBeLessThanOrEqual(3000)
      expect(runbook).not.toMatch(/&(?!amp;|lt;|gt;)/)
    }
  })

  it('keeps the dashboard URL inside its link', () => {
    const m = slackMessage({ ...base, dashboardUrl: 'http://grafana:3000/d/x?a=1|<b>' }, { idempotencyKey: 'k', inDoubt: false })
    expect(JSON.stringify(m.blocks)).toContain('<http://grafana:3000/d/x?a=1%7C%3Cb%3E|Open the model dashboard for this window>')
  })

  it('words a resolve as such, without the runbook', () => {
    const m = slackMessage({ ...base, status: 'resolved' }, { idempotencyKey: 'k', inDoubt: false })
    expect(m.text).toMatch(/^RESOLVED warning/)
    expect(JSON.stringify(m.blocks)).not.toContain('Runbook')
  })
})

describe('email', () => {
  it('carries the same facts in plain text and HTML', () => {
    const c = emailContent(base, 'k1')
    expect(c.subject).toBe('[driftwatch] FIRING warning: loan-approval v1: feature drift psi >= 0.2 (2 features)')
    for (const fact of ['loan-approval', 'v1', 'feature drift psi', 'income: 0.4512', 'employment: 0.31', '2026-10-10 00:00 – 2026-10-11 00:00 UTC', 'warning']) {
      expect(c.text).toContain(fact)
      expect(c.html).toContain(fact)
    }
    expect(c.text).toContain('Worst value: 0.4512 (threshold >= 0.2)')
    expect(c.html).toContain('0.4512 (threshold &gt;= 0.2)')
    expect(c.text).toContain(`Dashboard: ${base.dashboardUrl}`)
    expect(c.html).toContain(`href="${base.dashboardUrl!.replaceAll('&', '&amp;')}"`)
    expect(c.html).toContain('Feature shifted &lt;fast&gt;')
  })
})

describe('Grafana annotation', () => {
  it('is a region on the model dashboard, tagged by model, metric, severity and notification id', () => {
    const a = grafanaAnnotation(base, 'k1')
    expect(a).toMatchObject({ dashboardUID: 'driftwatch-model-overview', time: base.windowStartMs, timeEnd: base.windowEndMs })
    expect(a.tags).toEqual(['driftwatch', 'model:loan-approval', 'version:v1', 'metric:feature drift psi', 'severity:warning', 'status:firing', 'rule:feature-drift-psi', 'driftwatch-id:k1'])
    expect(a.text).toContain('income: 0.4512')
    expect(a.text).not.toContain('<fast>')
  })
})

describe('an alert of the deployment itself (dlq_rate: no model)', () => {
  const dlq: Notification = {
    ...base, rule: 'dlq-rate', metric: 'dead-letter rate', condition: 'dead-letter rate > 0.01', op: '>', threshold: 0.01, subjectLabel: 'topic',
    modelId: '', modelVersion: '', windowStartMs: Date.UTC(2026, 9, 10, 14), windowEndMs: Date.UTC(2026, 9, 10, 15), items: [{ subject: 'predictions', value: 0.05 }],
    dashboardUrl: 'http://grafana:3000/d/driftwatch-pipeline-health?from=1&to=2',
  }

  it('links pipeline health for its period in Slack and email, not the model dashboard', () => {
    const slack = JSON.stringify(slackMessage(dlq, { idempotencyKey: 'k', inDoubt: false }).blocks)
    expect(slack).toContain(`<${dlq.dashboardUrl}|Open the pipeline health dashboard for this period>`)
    expect(slack).not.toContain('model dashboard')
    const email = emailContent(dlq, 'k')
    expect(email.html).toContain(`<a href="${dlq.dashboardUrl!.replaceAll('&', '&amp;')}">Open the pipeline health dashboard for this period</a>`)
    expect(email.html).not.toContain('model dashboard')
  })

  it('is annotated on the pipeline health dashboard', () => {
    expect(grafanaAnnotation(dlq, 'k')).toMatchObject({ dashboardUID: 'driftwatch-pipeline-health', time: dlq.windowStartMs, timeEnd: dlq.windowEndMs })
  })
})

describe('a resolve no evaluation decided (its rule is no longer loaded)', () => {
  const reason = 'rule removed: no loaded alert rule is named feature-drift-psi any more, so nothing evaluates it'
  const removed: Notification = { ...base, status: 'resolved', items: [{ subject: 'income', value: null }], reason }

  it('says why in every channel, and not that the condition no longer holds', () => {
    const slack = slackMessage(removed, { idempotencyKey: 'k', inDoubt: false })
    expect(slack.text).toMatch(/^RESOLVED warning: loan-approval v1: .* — rule removed: no loaded alert rule is named feature-drift-psi/)
    expect((slack.blocks[1] as { text: { text: string } }).text.text)
      .toBe(`:white_check_mark: *feature drift psi &gt;= 0.2* on 1 feature of *loan-approval v1* resolved without an evaluation: ${reason}\nFeature shifted &lt;fast&gt;`)
    const email = emailContent(removed, 'k')
    expect(email.text.split('\n')[0]).toBe(`feature drift psi >= 0.2 on 1 feature of loan-approval v1 resolved without an evaluation: ${reason}.`)
    expect(email.html).toContain(`resolved without an evaluation: ${reason}.`)
    expect(grafanaAnnotation(removed, 'k').text).toContain(`<br>${reason}`)
    for (const text of [JSON.stringify(slack), email.text, email.html, grafanaAnnotation(removed, 'k').text]) expect(text).not.toContain('no longer holds')
  })

  it('leaves the words of every other resolve as they were', () => {
    const resolved = { ...base, status: 'resolved' as const }
    expect(emailContent(resolved, 'k').text.split('\n')[0]).toBe('feature drift psi >= 0.2 no longer holds on 2 features of loan-approval v1.')
    expect((slackMessage(resolved, { idempotencyKey: 'k', inDoubt: false }).blocks[1] as { text: { text: string } }).text.text)
      .toBe(':white_check_mark: *feature drift psi &gt;= 0.2* no longer holds on 2 features of *loan-approval v1*\nFeature shifted &lt;fast&gt;')
  })
})
