/** Text tables for `driftwatch alerts list`. Pure. */
import type { AlertListItem } from '../alerts/list.js'
import type { Silence } from '../alerts/silences.js'
import { formatValue } from '../rules/symbols.js'

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), ...rows.map(line)]
}

function delivery(d: AlertListItem['deliveries'][number], nowMs: number): string {
  if (d.channel === '') return `not notified (${d.lastError})`
  const tries = d.attempts > 1 ? `, ${d.attempts} attempts` : ''
  const next = d.status === 'pending' && d.nextAttemptMs > nowMs ? `, retry ${minute(d.nextAttemptMs)}` : ''
  const error = (d.status === 'pending' || d.status === 'failed') && d.lastError ? `: ${d.lastError.slice(0, 80)}` : ''
  return `${d.channel} ${d.status}${tries}${next}${error}`
}

export function formatAlertList(items: readonly AlertListItem[], nowMs: number): string[] {
  if (items.length === 0) return ['no alerts']
  return table(
    ['STATUS', 'SEVERITY', 'RULE', 'MODEL', 'VERSION', 'SUBJECT', 'VALUE', 'THRESHOLD', 'WINDOW', 'CHANGED', 'DELIVERY'],
    items.map(({ transition: t, deliveries }) => [
      t.status, t.severity, t.rule, t.modelId || '-', t.modelVersion || '-', t.subject || '-', formatValue(t.value), formatValue(t.threshold),
      minute(t.windowStartMs), minute(t.changedAtMs), deliveries.length ? deliveries.map((d) => delivery(d, nowMs)).join('; ') : 'held or pending',
    ]),
  )
}

export function formatSilences(silences: readonly Silence[]): string[] {
  if (silences.length === 0) return ['no active silences']
  return table(
    ['SILENCE', 'RULE', 'MODEL', 'FROM', 'UNTIL', 'BY', 'REASON'],
    silences.map((s) => [s.id, s.rule || '*', s.modelId || '*', minute(s.startsMs), minute(s.endsMs), s.createdBy || '-', s.reason]),
  )
}
