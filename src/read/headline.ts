/**
 * The headline figures of one window, assembled from its rows of the metric tables (all of the
 * window's newest evaluation). Pure: which performance metric is the main one, which fairness
 * ratio is the worst; and what counts as a quality problem.
 */
import { metricValue } from './metric-value.js'
import type { HeadlineFairness, HeadlinePerformance, MetricValue } from './types.js'
import type { Task } from './task.js'

export type { Task } from './task.js'

/** Figures as stored: ±Infinity is a value (sent as "Infinity" / "-Infinity", ./metric-value.ts), null is none. */
export interface PerformanceFigure {
  readonly variant: string
  readonly metric: string
  readonly kind: string
  readonly value: number | null
  readonly n: number
}

export interface FairnessFigure {
  readonly attribute: string
  readonly metric: string
  readonly value: number | null
  readonly status: string
}

/** Candidates for the main metric, in order of preference, by task. */
export const MAIN_METRICS: Record<Task, readonly string[]> = {
  // ROC AUC is threshold-free and CBPE estimates it; without scores only accuracy exists.
  binary: ['roc_auc', 'accuracy'],
  multiclass: ['accuracy'],
  regression: ['mae'],
  // A model whose stored rows tell no task (./task.ts): accuracy is the one metric binary and
  // multiclass rows share, so the only one such a model can have.
  unknown: ['accuracy'],
}

/** The fairness ratio the 4/5 rule reads. */
export const FAIRNESS_RATIO = 'disparate_impact_ratio'

/**
 * Its upper confidence bound (docs/evaluation.md, "The four-fifths rule beyond sampling noise"):
 * what the default alert rule reads. Windows evaluated before it existed have no such row.
 */
export const FAIRNESS_RATIO_UPPER = 'disparate_impact_ratio_upper'

/** The fairness rows (group '') worstFairness reads: the ratio and its bound. */
export const FAIRNESS_HEADLINE_METRICS = [FAIRNESS_RATIO, FAIRNESS_RATIO_UPPER] as const

/**
 * Quality metrics that can make a feature a "quality problem", and the rule that decides (read
 * with each rate's n and the reference sizes, ./windows.ts): the web UI's (src/ui/quality-problems.ts).
 */
export { QUALITY_PROBLEM_METRICS as QUALITY_PROBLEMS, qualityProblemCount } from '../ui/quality-problems.js'

export function headlinePerformance(task: Task, variant: string, rows: readonly PerformanceFigure[]): HeadlinePerformance | null {
  const ofVariant = rows.filter((r) => r.variant === variant)
  for (const metric of MAIN_METRICS[task]) {
    const realized = ofVariant.find((r) => r.metric === metric && r.kind === 'realized')
    const estimated = ofVariant.find((r) => r.metric === metric && r.kind === 'estimated')
    if (realized || estimated) return { metric, variant, realized: metricValue(realized?.value ?? null), estimated: metricValue(estimated?.value ?? null), n: realized?.n ?? 0 }
  }
  return null
}

/**
 * The worst attribute's disparate impact ratio. With bound rows (FAIRNESS_RATIO_UPPER), the
 * attribute whose bound is lowest, as the default alert rule judges (one attribute's ratio can be
 * the lowest by noise while another's is below 4/5 beyond it), with its bound as `upper_bound`
 * (null when it is not defined). Without them (a window evaluated before the bound existed), the
 * lowest ratio, and no `upper_bound`. A null ratio (insufficient group) only when no attribute has
 * a value.
 */
export function worstFairness(rows: readonly FairnessFigure[]): HeadlineFairness | null {
  const ratios = rows.filter((r) => r.metric === FAIRNESS_RATIO).sort((a, b) => a.attribute.localeCompare(b.attribute))
  const bounds = new Map(rows.filter((r) => r.metric === FAIRNESS_RATIO_UPPER).map((r) => [r.attribute, r.value]))
  const valued = ratios.filter((r) => r.value !== null)
  const bounded = valued.filter((r) => bounds.get(r.attribute) != null)
  const worst = bounded.length
    ? bounded.reduce((a, b) => (bounds.get(b.attribute)! < bounds.get(a.attribute)! ? b : a))
    : valued.length ? valued.reduce((a, b) => (b.value! < a.value! ? b : a)) : ratios[0]
  if (!worst) return null
  const figures = { attribute: worst.attribute, metric: worst.metric, value: metricValue(worst.value), status: worst.status }
  return bounds.size > 0 ? { ...figures, upper_bound: metricValue(bounds.get(worst.attribute) ?? null) } : figures
}
