/**
 * The terminal view of `driftwatch status`. Pure. Names from data are rendered for a terminal
 * (../terminal-text.ts; the tables' cells by table()) and cut to NAME_WIDTH (clipName): ids may be
 * 256 characters, and one such name would push every other column off the screen. The JSON output
 * keeps them whole.
 */
import type { AlertView, ModelSummary, WindowHeadline } from '../read/index.js'
import { table } from './alerts-format.js'
import { pushAll } from '../arrays.js'
import { duration, figure, percent, referenceText, utcTime, versus, windowLabel } from '../ui/figures.js'
import { driftHealth, fairnessHealth, qualityHealth } from '../ui/health.js'
import { terminalText } from '../terminal-text.js'

export interface ModelStatus {
  readonly summary: ModelSummary
  /** Newest first. */
  readonly windows: readonly WindowHeadline[]
}

export interface StatusView {
  /** Where the figures came from: the running instance's API, or the store directly. */
  readonly source: { readonly kind: 'api'; readonly url: string } | { readonly kind: 'store'; readonly location: string }
  readonly models: readonly ModelStatus[]
  /** Firing alerts. */
  readonly alerts: readonly StatusAlert[]
}

/** A firing alert, and whether its window is still open (as the model's windows say). */
export type StatusAlert = AlertView & { readonly window_open: boolean }

/** Widest a model, version, rule, subject or attribute name is shown, ellipsis included. */
export const NAME_WIDTH = 40

const ELLIPSIS = '…'
// terminalText's escape of one character (\u and four hex digits), and a surrogate pair: each is cut whole or not at all.
const ESCAPE = /\\u[0-9a-fA-F]{4}/y
const isPair = (text: string, i: number) => {
  const [high, low] = [text.charCodeAt(i), text.charCodeAt(i + 1)]
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff
}

/**
 * `name` rendered for a terminal, then cut to `width` characters with an ellipsis when longer.
 * Escaped first, so the width counts what the terminal shows, and the cut falls between escape
 * sequences (`\u001b` is kept whole or dropped whole) and never inside a surrogate pair.
 * Rendering is idempotent, so table() may render the result again.
 */
export function clipName(name: string, width = NAME_WIDTH): string {
  const text = terminalText(name)
  if (text.length <= width) return text
  let end = 0
  while (end < text.length) {
    ESCAPE.lastIndex = end
    const step = ESCAPE.test(text) ? ESCAPE.lastIndex - end : isPair(text, end) ? 2 : 1
    if (end + step > width - ELLIPSIS.length) break
    end += step
  }
  return text.slice(0, end) + ELLIPSIS
}

// Figures, units and health in the web UI's words (src/ui/figures.ts, src/ui/health.ts).
function windowRow(w: WindowHeadline): string[] {
  const p = w.performance
  return [
    clipName(w.model_version),
    // A window stored ahead of time (events stamped ahead) is listed, but is not the current one yet.
    windowLabel(w.window_start, w.window_end) + (w.future ? ' (future)' : w.closed ? '' : ' (open)'),
    String(w.predictions),
    percent(w.label_coverage),
    driftHealth(w).text,
    p ? `${p.metric} ${figure(p.realized)} / ${figure(p.estimated)}` : '-',
    w.fairness ? fairnessHealth({ ...w.fairness, attribute: clipName(w.fairness.attribute) }).text : '-',
    qualityHealth(w).text,
    String(w.firing_alerts),
  ]
}

export function formatStatus(view: StatusView): string[] {
  const lines: string[] = []
  if (view.models.length === 0) lines.push('no models yet: nothing is configured in driftwatch.yaml and no window has been evaluated')
  for (const { summary: m, windows } of view.models) {
    lines.push(`${clipName(m.model)}  ${m.task === 'unknown' ? 'task unknown (not configured here, and its stored figures do not tell)' : m.task}, window ${duration(m.window_ms)}, reference: ${terminalText(referenceText(m.reference.description))}; versions ${m.versions.map((v) => clipName(v.version)).join(', ') || '-'}; firing alerts ${m.firing_alerts}`)
    if (windows.length === 0) lines.push('  no evaluated windows yet')
    else {
      const header = ['VERSION', 'WINDOW', 'PREDICTIONS', 'LABELED', 'DRIFT SHARE', 'PERFORMANCE REALIZED / ESTIMATED', 'FAIRNESS (WORST)', 'QUALITY', 'ALERTS']
      pushAll(lines, table(header, windows.map(windowRow)).map((l) => `  ${l}`))
    }
    lines.push('')
  }
  if (view.alerts.length === 0) lines.push('no firing alerts')
  else {
    lines.push('FIRING ALERTS')
    pushAll(lines, table(
      ['SEVERITY', 'RULE', 'MODEL', 'VERSION', 'SUBJECT', 'VALUE', 'THRESHOLD', 'WINDOW', 'SINCE'],
      view.alerts.map((a) => {
        const shown = versus(a.value, a.threshold, 3)
        return [a.severity, clipName(a.rule), clipName(a.model || '-'), clipName(a.model_version || '-'), clipName(a.subject || '-'), shown.value, shown.threshold, windowLabel(a.window_start, a.window_end) + (a.window_open ? ' (open)' : ''), utcTime(a.fired_at)]
      }),
    ))
  }
  return lines
}
