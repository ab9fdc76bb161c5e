/**
 * Conditions over metric values, and selector matching. Pure.
 * A value that is null or NaN satisfies no comparison: missing data is never a breach.
 */
import type { Comparison, Condition, Selectors } from './schema.js'
import { DIMENSIONS } from './selectors.js'

export function compare(op: Comparison, value: number | null, threshold: number): boolean {
  if (value === null || Number.isNaN(value)) return false
  switch (op) {
    case '>':
      return value > threshold
    case '>=':
      return value >= threshold
    case '<':
      return value < threshold
    case '<=':
      return value <= threshold
    case '==':
      return value === threshold
    case '!=':
      return value !== threshold
  }
}

/** Breach, clear, or no verdict (no value, or fewer samples than the rule asks for). */
export type Verdict = 'breach' | 'clear' | 'unknown'

export function verdict(condition: Condition, value: number | null, n: number | null): Verdict {
  if (value === null || Number.isNaN(value)) return 'unknown'
  if (condition.minSamples > 0 && (n === null || n < condition.minSamples)) return 'unknown'
  return compare(condition.op, value, condition.threshold) ? 'breach' : 'clear'
}

const globCache = new Map<string, RegExp>()
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern)
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
    globCache.set(pattern, re)
  }
  return re
}

/** No patterns: anything matches. Otherwise one of the patterns must match the whole value. */
export function matches(patterns: readonly string[] | undefined, value: string): boolean {
  return patterns === undefined || patterns.some((p) => (p.includes('*') ? glob(p).test(value) : p === value))
}

/** The dimensions of a point that selectors look at. */
export interface PointLabels {
  readonly model: string
  readonly version: string
  readonly feature?: string
  readonly group?: string
  readonly groupValue?: string
  readonly detector?: string
  readonly topic?: string
}

export function selected(s: Selectors, p: PointLabels): boolean {
  // A selector on a dimension the metric does not have selects nothing (rather than everything);
  // rule files cannot contain one (./selectors.ts), a rule built in code can.
  return DIMENSIONS.every((d) => s[d] === undefined || (p[d] !== undefined && matches(s[d], p[d]!)))
}
