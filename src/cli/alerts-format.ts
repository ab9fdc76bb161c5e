/**
 * Text tables for `driftwatch alerts list`, in the figures of the web UI and `driftwatch status`
 * (src/ui/figures.ts): times in UTC saying so, a window named as one span ("2026-11-20 (UTC day)")
 * and marked "(open)" while it is open, a value beside its threshold with the digits that tell
 * the two apart. Pure.
 */
import type { AlertListItem } from '../alerts/list.js'
import type { Silence } from '../alerts/silences.js'
import { maxOf } from '../arrays.js'
import { utcTime, versus, windowLabel } from '../ui/figures.js'
import { terminalText } from '../terminal-text.js'

const iso = (ms: number) => new Date(ms).toISOString()
const time = (ms: number) => utcTime(iso(ms))

/** A model's window as the set of open windows names it (the windows open at their newest evaluation). */
export const windowKey = (modelId: string, modelVersion: string, startMs: number): string => JSON.stringify([modelId, modelVersion, startMs])

/**
 * Columns padded to their widest cell. A cell holds data (a subject, a feature or model name, a
 * silence's reason): it is rendered for a terminal (../terminal-text.ts) before it is measured.
 */
export function table(header: readonly string[], data: readonly (readonly string[])[]): string[] {
  const rows = data.map((r) => r.map(terminalText))
  const widths = header.map((h, i) => Math.max(h.length, maxOf(rows.map((r) => (r[i] ?? '').length))))
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), ...rows.map(line)]
}

function delivery(d: AlertListItem['deliveries'][number], nowMs: number): string {
  if (d.channel === '') return `not notified (${d.lastError})`
  const tries = d.attempts > 1 ? `, ${d.attempts} attempts` : ''
  const next = d.status === 'pending' && d.nextAttemptMs > nowMs ? `, retry ${time(d.nextAttemptMs)}` : ''
  // A sent row's last_error is a note on what was not delivered (recipients the relay refused).
  const error = d.lastError ? `: ${d.lastError.slice(0, 80)}` : ''
  return `${d.channel} ${d.status}${tries}${next}${error}`
}

/** `openWindows`: windowKey()s of the alerted windows that are open (an alert has no model, so no model window, for a service-level rule). */
export function formatAlertList(items: readonly AlertListItem[], nowMs: number, openWindows: ReadonlySet<string> = new Set()): string[] {
  if (items.length === 0) return ['no alerts']
  return table(
    ['STATUS', 'SEVERITY', 'RULE', 'MODEL', 'VERSION', 'SUBJECT', 'VALUE', 'THRESHOLD', 'WINDOW', 'CHANGED', 'DELIVERY'],
    items.map(({ transition: t, deliveries }) => {
      // As `driftwatch status` shows a firing alert's value and threshold.
      const shown = versus(t.value, t.threshold, 3)
      const open = t.modelId !== '' && openWindows.has(windowKey(t.modelId, t.modelVersion, t.windowStartMs))
      return [
        t.status, t.severity, t.rule, t.modelId || '-', t.modelVersion || '-', t.subject || '-', shown.value, shown.threshold,
        windowLabel(iso(t.windowStartMs), iso(t.windowEndMs)) + (open ? ' (open)' : ''), time(t.changedAtMs),
        deliveries.length ? deliveries.map((d) => delivery(d, nowMs)).join('; ') : 'held or pending',
      ]
    }),
  )
}

export function formatSilences(silences: readonly Silence[]): string[] {
  if (silences.length === 0) return ['no active silences']
  return table(
    ['SILENCE', 'RULE', 'MODEL', 'FROM', 'UNTIL', 'BY', 'REASON'],
    silences.map((s) => [s.id, s.rule || '*', s.modelId || '*', time(s.startsMs), time(s.endsMs), s.createdBy || '-', s.reason]),
  )
}
