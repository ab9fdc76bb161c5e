/**
 * A rule over metric points: per series (model, version, subject), is the condition breached in
 * the newest `consecutive` windows that have a verdict, or clear in the newest one? Pure.
 *
 * Windows without a verdict (no value, NaN, or fewer samples than `minSamples`) are skipped, so
 * a window that has just opened with a handful of predictions neither fires nor resolves an
 * alert. Windows are ordered by event time (window start); a re-evaluated older window counts
 * at its own place in that order, never as "the newest".
 */
import { selected, verdict, type PointLabels, type Verdict } from './condition.js'
import type { Rule } from './schema.js'

export interface MetricPoint {
  readonly modelId: string
  readonly modelVersion: string
  /** What the value is about within the model: a feature, an attribute, a topic; '' for model-level metrics. */
  readonly subject: string
  readonly labels: PointLabels
  readonly windowStartMs: number
  readonly windowEndMs: number
  readonly value: number | null
  /** Sample count behind the value, for minSamples. */
  readonly n: number | null
  /** Extra context for messages, e.g. the drifted features of a dataset drift row. */
  readonly details?: readonly string[]
}

export interface SeriesVerdict {
  readonly modelId: string
  readonly modelVersion: string
  readonly subject: string
  /** breaching: the newest `consecutive` windows with a verdict all breach; clear: the newest one does not. */
  readonly state: 'breaching' | 'clear' | 'unknown'
  /** The newest window with a verdict (or the newest window when none has one). */
  readonly latest: MetricPoint
}

/**
 * How many windows per series the metric queries (src/alerts/metric-points.ts) read for a rule:
 * those that have a verdict first (a value that is not NULL or NaN, and n >= minSamples when
 * minSamples > 0), newest first and however old, then the newest without one. So a run of new
 * windows without a verdict never pushes out of the read the `consecutive` windows that decide,
 * and the read does not grow with history. The 3 more than `consecutive` leave room for windows
 * that lose their value after the read (performance relative to a reference that has no value).
 */
export const windowsNeeded = (rule: Rule): number => rule.condition.consecutive + 3

/** dlq_rate: how many periods beyond `consecutive` are searched for periods with a verdict. */
export const DLQ_EXTRA_PERIODS = 24

/**
 * dlq_rate periods are counted from the raw records at each evaluation, so the ones with a verdict
 * are searched for among the newest `consecutive` + DLQ_EXTRA_PERIODS periods only (the one
 * under way included).
 */
export const dlqLookbackPeriods = (rule: Rule): number => rule.condition.consecutive + DLQ_EXTRA_PERIODS

export const seriesKey = (p: { modelId: string; modelVersion: string; subject: string }): string =>
  JSON.stringify([p.modelId, p.modelVersion, p.subject])

export function evaluateRule(rule: Rule, points: readonly MetricPoint[]): SeriesVerdict[] {
  const series = new Map<string, MetricPoint[]>()
  for (const p of points) {
    if (!selected(rule.select, p.labels)) continue
    const k = seriesKey(p)
    const list = series.get(k)
    if (list) list.push(p)
    else series.set(k, [p])
  }
  const out: SeriesVerdict[] = []
  for (const list of series.values()) {
    list.sort((a, b) => b.windowStartMs - a.windowStartMs)
    const judged = list
      .map((p) => ({ p, v: verdict(rule.condition, p.value, p.n) as Verdict }))
      .filter((x) => x.v !== 'unknown')
    const newest = judged[0]
    const first = list[0]!
    const base = { modelId: first.modelId, modelVersion: first.modelVersion, subject: first.subject }
    if (!newest) {
      out.push({ ...base, state: 'unknown', latest: first })
      continue
    }
    const n = rule.condition.consecutive
    const breaching = judged.length >= n && judged.slice(0, n).every((x) => x.v === 'breach')
    const state = breaching ? 'breaching' : newest.v === 'clear' ? 'clear' : 'unknown'
    out.push({ ...base, state, latest: newest.p })
  }
  return out.sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)))
}
