/**
 * Slack: an incoming webhook (POST JSON, answered "ok") carrying a Block Kit message
 * (docs.slack.dev/reference/block-kit/blocks): a header (plain_text, at most 150 characters),
 * sections with mrkdwn text (at most 3000) or fields (at most 10, each at most 2000), and a
 * context block; `text` is the fallback for notifications. The dashboard link is a mrkdwn link
 * rather than a button, because buttons in webhook messages expect an interactive app.
 *
 * Every mrkdwn text, the fallback `text` included (Slack parses it as mrkdwn too), is escaped
 * (`&`, `<`, `>`; docs.slack.dev "Formatting text for app surfaces": escaping) before it is
 * clipped, and clipping never cuts an entity in half, so a model id or feature name holding
 * `<!here>`, `<@U…>` or `<https://…|…>` shows as text instead of notifying or linking. The header
 * is plain_text, which Slack shows as written. The dashboard link's URL has `<`, `>` and `|`
 * percent-encoded, so it cannot end the link early.
 *
 * Incoming webhooks have no idempotency key: a retry after an in-doubt attempt may post a
 * second message, and says so in its context line (docs/alerts.md, "Delivery guarantees").
 * Slack allows about one message per second per webhook ("Rate limits", short bursts aside): the
 * lane paces its sends to that (`minIntervalMs`) and waits out a 429's Retry-After.
 */
import { formatValue } from '../../rules/symbols.js'
import { alertDashboard, type Notification } from '../notification.js'
import { headline, itemLines, modelText, statusWord, summaryText, valueVsThreshold, windowText, worstValue } from './content.js'
import { httpRequest, type Fetch } from './http.js'
import type { ChannelSender, DeliveryAttempt } from './types.js'

/** Slack's documented rate of incoming webhook messages: one per second. */
export const SLACK_MIN_INTERVAL_MS = 1000

/** At most `max` characters of plain text. */
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)
/** At most `max` characters of escaped text, never cut inside an entity (`&amp;` whole or not at all). */
const clipEscaped = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '')}…`)
/** mrkdwn control characters (docs.slack.dev: "Escaping text"). */
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
const mrkdwn = (text: string, max = 3000) => ({ type: 'mrkdwn', text: clipEscaped(text, max) })
/** A URL inside `<url|label>`: the characters that would end it early, percent-encoded. */
const linkUrl = (u: string) => u.replaceAll('<', '%3C').replaceAll('>', '%3E').replaceAll('|', '%7C')

export function slackMessage(n: Notification, a: Pick<DeliveryAttempt, 'idempotencyKey' | 'inDoubt'>): { text: string; blocks: object[] } {
  const icon = n.status === 'firing' ? (n.severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:'
  const summary = summaryText(n, { strong: (x) => `*${esc(x)}*`, text: esc })
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
        mrkdwn(`*Window*\n${esc(windowText(n))}`, 2000),
        mrkdwn(`*Severity*\n${esc(n.severity)}`, 2000),
      ],
    },
  ]
  if (n.subjectLabel && n.items.some((i) => i.subject !== '')) {
    const title = n.subjectLabel === 'feature' ? 'Top features' : `Top ${n.subjectLabel}s`
    blocks.push({ type: 'section', text: mrkdwn(`*${esc(title)}*\n${itemLines(n).map((l) => `• ${esc(l)}`).join('\n')}`) })
  }
  if (n.details.length) blocks.push({ type: 'section', text: mrkdwn(`*Drifted features*\n${esc(n.details.slice(0, 20).join(', '))}`) })
  if (n.runbook && n.status === 'firing') blocks.push({ type: 'section', text: mrkdwn(`*Runbook*\n${esc(n.runbook)}`) })
  if (n.dashboardUrl) blocks.push({ type: 'section', text: mrkdwn(`<${linkUrl(n.dashboardUrl)}|${alertDashboard(n.modelId).linkText}>`) })
  const note = a.inDoubt ? ' · re-sent after an interrupted delivery: this may repeat an earlier message' : ''
  blocks.push({ type: 'context', elements: [mrkdwn(`rule \`${esc(n.rule)}\` · driftwatch · id ${esc(a.idempotencyKey)}${note}`)] })
  const top = n.items.length > 1 ? ` — ${n.items.slice(0, 3).map((i) => `${i.subject} ${formatValue(i.value)}`).join(', ')}` : ''
  return { text: clipEscaped(esc(`${headline(n)}${top} — window ${windowText(n)}${n.reason ? ` — ${n.reason}` : ''}`), 3000), blocks }
}

export function slackSender(o: { webhookUrl: string; timeoutMs?: number; minIntervalMs?: number; fetch?: Fetch }): ChannelSender {
  const timeoutMs = o.timeoutMs ?? 10_000
  return {
    name: 'slack',
    maxSendMs: timeoutMs,
    minIntervalMs: o.minIntervalMs ?? SLACK_MIN_INTERVAL_MS,
    async send(n, a) {
      await httpRequest('Slack webhook', o.webhookUrl, { method: 'POST', body: slackMessage(n, a), timeoutMs, fetch: o.fetch })
    },
  }
}
