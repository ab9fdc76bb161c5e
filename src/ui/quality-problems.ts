/**
 * What a "quality problem" is, defined once: the read API counts them per window (the headline's
 * quality_problems, src/read/windows.ts, counted in ClickHouse with the same metrics and bound)
 * and the window page lists them. Pure and DOM-free, so the read module and the browser bundle
 * both import it (as ./chart-spec.ts).
 *
 * A problem is a rate above 0 of values that should not be there (src/evaluate/quality-rows.ts):
 * missing, out of the reference range, in a category the reference never had, or events whose
 * outlier score reaches the threshold (outlier_rate, feature ''). The outlier score's mean and
 * max are above 0 for almost any data: figures, not problems.
 */
import { numeric, type FigureValue } from './figures.js'

export const QUALITY_PROBLEM_METRICS = ['missing_rate', 'out_of_range_rate', 'new_category_rate', 'outlier_rate'] as const

/** A problem metric's value must be above this. */
export const QUALITY_PROBLEM_ABOVE = 0

export interface QualityFigure {
  readonly feature: string
  readonly metric: string
  /** As the read API sends it: ±∞ as "Infinity" / "-Infinity" (./figures.ts numeric). */
  readonly value: FigureValue
}

export function isQualityProblem(q: QualityFigure): boolean {
  const value = numeric(q.value)
  return (QUALITY_PROBLEM_METRICS as readonly string[]).includes(q.metric) && value !== null && value > QUALITY_PROBLEM_ABOVE
}

export function qualityProblems<Q extends QualityFigure>(rows: readonly Q[]): Q[] {
  return rows.filter(isQualityProblem)
}

/** Features with a problem (feature '', the per-event outlier rate, counts as one): the headline's quality_problems. */
export function qualityProblemCount(rows: readonly QualityFigure[]): number {
  return new Set(qualityProblems(rows).map((q) => q.feature)).size
}

/** A quality row's feature as shown: '' holds the figures over all features of an event. */
export const qualityFeature = (feature: string): string => (feature === '' ? '(all features)' : feature)
