/**
 * Slack: an incoming webhook (POST JSON, answered "ok") carrying a Block Kit message
 * (docs.slack.dev/reference/block-kit/blocks): a header (plain_text, at most 150 characters),
 * sections with mrkdwn text (at most 3000) or fields (at most 10, each at most 2000), and a
 * context block; `text` is the fallback for notifications. The dashboard link is a mrkdwn link
 * rather than a button, because buttons in webhook messages expect an interactive app.
 *
 * Incoming webhooks have no idempotency key: a retry after an in-doubt attempt may post a
 * second message, and says so in its context line (docs/alerts.md, "Delivery guarantees").
 */
import { formatValue } from '../../rules/symbols.js'
import type { Notification } from '../notification.js'
import { headline, itemLines, modelText, statusWord, subjectsText, valueVsThreshold, windowText, worstValue } from './content.js'
import { httpRequest, type Fetch } from './http.js'
import type { ChannelSender, DeliveryAttempt } from './types.js'

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)
/** mrkdwn control characters (docs.slack.dev: "Escaping text"). */
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
const mrkdwn = (text: string, max = 3000) => ({ type: 'mrkdwn', text: clip(text, max) })

export function slackMessage(n: Notification, a: Pick<DeliveryAttempt, 'idempotencyKey' | 'inDoubt'>): { text: string; blocks: object[] } {
  const icon = n.status === 'firing' ? (n.severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:'
  const subjects = subjectsText(n)
  const summary = n.status === 'firing'
    ? `*${esc(n.condition)}*${subjects ? ` on ${subjects}` : ''} of *${esc(modelText(n))}*`
    : `*${esc(n.condition)}* no longer holds${subjects ? ` on ${subjects}` : ''} of *${esc(modelText(n))}*`
  const value = worstValue(n)
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${statusWord(n)}: ${modelText(n)} · ${n.metric}`, 150), emoji: true } },
    { type: 'section', text: mrkdwn(`${icon} ${summary}${n.description ? `\n${esc(n.description)}` : ''}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Model*\n${esc(n.modelId || '—')}`, 2000),
        mrkdwn(`*Version*\n${esc(n.modelVersion || '—')}`, 2000),
        mrkdwn(`*Metric*\n${esc(n.metric)}`, 2000),
        mrkdwn(`*Value*\n${esc(valueVsThreshold(value, n))}${n.items.length > 1 ? ' (worst)' : ''}`, 2000),
        mrkdwn(`*Window*\n${windowText(n)}`, 2000),
        mrkdwn(`*Severity*\n${esc(n.severity)}`, 2000),
      ],
    },
  ]
  if (n.subjectLabel && n.items.some((i) => i.subject !== '')) {
    const title = n.subjectLabel === 'feature' ? 'Top features' : `Top ${n.subjectLabel}s`
    blocks.push({ type: 'section', text: mrkdwn(`*${title}*\n${itemLines(n).map((l) => `• ${esc(l)}`).join('\n')}`) })
  }
  if (n.details.length) blocks.push({ type: 'section', text: mrkdwn(`*Drifted features*\n${esc(n.details.slice(0, 20).join(', '))}`) })
  if (n.runbook && n.status === 'firing') blocks.push({ type: 'section', text: mrkdwn(`*Runbook*\n${esc(n.runbook)}`) })
  if (n.dashboardUrl) blocks.push({ type: 'section', text: mrkdwn(`<${n.dashboardUrl}|Open the model dashboard for this window>`) })
  const note = a.inDoubt ? ' · re-sent after an interrupted delivery: this may repeat an earlier message' : ''
  blocks.push({ type: 'context', elements: [mrkdwn(`rule \`${esc(n.rule)}\` · driftwatch · id ${a.idempotencyKey}${note}`)] })
  const top = n.items.length > 1 ? ` — ${n.items.slice(0, 3).map((i) => `${i.subject} ${formatValue(i.value)}`).join(', ')}` : ''
  return { text: clip(`${headline(n)}${top} — window ${windowText(n)}`, 3000), blocks }
}

export function slackSender(o: { webhookUrl: string; timeoutMs?: number; fetch?: Fetch }): ChannelSender {
  const timeoutMs = o.timeoutMs ?? 10_000
  return {
    name: 'slack',
    maxSendMs: timeoutMs,
    async send(n, a) {
      await httpRequest('Slack webhook', o.webhookUrl, { method: 'POST', body: slackMessage(n, a), timeoutMs, fetch: o.fetch })
    },
  }
}
