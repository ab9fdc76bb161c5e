/** The words every channel shares, so Slack, email and Grafana say the same thing. Pure. */
import { formatValue } from '../../rules/symbols.js'
import type { Notification } from '../notification.js'

/** How many subjects a message lists before "and N more". */
export const TOP_ITEMS = 10

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

export const windowText = (n: Notification): string => `${minute(n.windowStartMs)} – ${minute(n.windowEndMs)} UTC`

export const statusWord = (n: Notification): string => (n.status === 'firing' ? 'FIRING' : 'RESOLVED')

export const modelText = (n: Notification): string =>
  n.modelId === '' ? 'driftwatch pipeline' : `${n.modelId}${n.modelVersion ? ` ${n.modelVersion}` : ''}`

export function subjectsText(n: Notification): string {
  if (n.subjectLabel === '' || (n.items.length === 1 && n.items[0]!.subject === '')) return ''
  const k = n.items.length
  return `${k} ${n.subjectLabel}${k === 1 ? '' : n.subjectLabel.endsWith('s') ? 'es' : 's'}`
}

/** "FIRING warning: loan-approval v1: feature drift psi >= 0.2 (3 features)" */
export function headline(n: Notification): string {
  const subjects = subjectsText(n)
  return `${statusWord(n)} ${n.severity}: ${modelText(n)}: ${n.metric} ${n.op} ${formatValue(n.threshold)}${subjects ? ` (${subjects})` : ''}`
}

/** The value against the threshold, e.g. "0.4512 (threshold >= 0.2)". */
export const valueVsThreshold = (value: number | null, n: Notification): string => `${formatValue(value)} (threshold ${n.op} ${formatValue(n.threshold)})`

/** "income: 0.4512", the worst first, at most TOP_ITEMS of them, then "… and N more". */
export function itemLines(n: Notification, max = TOP_ITEMS): string[] {
  const lines = n.items.slice(0, max).map((i) => (i.subject === '' ? formatValue(i.value) : `${i.subject}: ${formatValue(i.value)}`))
  if (n.items.length > max) lines.push(`… and ${n.items.length - max} more`)
  return lines
}

/** The value line for a single-subject notification, or the worst value of a group. */
export const worstValue = (n: Notification): number | null => n.items[0]?.value ?? null

/**
 * The summary of a notification, the same words in every channel: what holds (firing), no longer
 * holds (resolved), or why it resolved with no evaluation deciding it (Notification.reason).
 * `strong` writes the condition and the model (Slack: escaped and bold), `text` the other data in
 * it (Slack: escaped); both write as is by default.
 */
export function summaryText(n: Notification, o: { strong?: (s: string) => string; text?: (s: string) => string } = {}): string {
  const strong = o.strong ?? ((s) => s)
  const text = o.text ?? ((s) => s)
  const subjects = subjectsText(n)
  const on = subjects ? ` on ${text(subjects)}` : ''
  if (n.status === 'firing') return `${strong(n.condition)}${on} of ${strong(modelText(n))}`
  if (n.reason) return `${strong(n.condition)}${on} of ${strong(modelText(n))} resolved without an evaluation: ${text(n.reason)}`
  return `${strong(n.condition)} no longer holds${on} of ${strong(modelText(n))}`
}
