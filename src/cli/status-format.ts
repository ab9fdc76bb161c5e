/** The terminal view of `driftwatch status`. Pure. */
import type { AlertView, ModelSummary, WindowHeadline } from '../read/index.js'
import { table } from './alerts-format.js'
import { pushAll } from '../arrays.js'

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
  readonly alerts: readonly AlertView[]
}

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ')
const fixed = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits))
const percent = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`)

function duration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  return `${ms}ms`
}

function windowRow(w: WindowHeadline): string[] {
  const p = w.performance
  return [
    w.model_version,
    minute(w.window_start) + (w.closed ? '' : ' (open)'),
    String(w.predictions),
    percent(w.label_coverage),
    w.drift_status === 'insufficient' ? `insufficient data (${w.n_insufficient}/${w.n_features})` : w.drift_share === null ? '-' : `${fixed(w.drift_share, 2)} (${w.n_drifted}/${w.n_features})`,
    p ? `${p.metric} ${fixed(p.realized)} / ${fixed(p.estimated)}` : '-',
    w.fairness ? `${fixed(w.fairness.value, 2)} ${w.fairness.attribute}${w.fairness.status === 'ok' ? '' : ` (${w.fairness.status})`}` : '-',
    String(w.quality_problems),
    String(w.firing_alerts),
  ]
}

export function formatStatus(view: StatusView): string[] {
  const lines: string[] = []
  if (view.models.length === 0) lines.push('no models yet: nothing is configured in driftwatch.yaml and no window has been evaluated')
  for (const { summary: m, windows } of view.models) {
    lines.push(`${m.model}  ${m.task}, window ${duration(m.window_ms)}, reference: ${m.reference.description}; versions ${m.versions.map((v) => v.version).join(', ') || '-'}; firing alerts ${m.firing_alerts}`)
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
      view.alerts.map((a) => [a.severity, a.rule, a.model || '-', a.model_version || '-', a.subject || '-', fixed(a.value), fixed(a.threshold), minute(a.window_start), minute(a.fired_at)]),
    ))
  }
  return lines
}
