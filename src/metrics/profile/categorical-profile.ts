/**
 * Reference profile of one categorical column: how often each category occurs.
 *
 *   categories[c] = number of values whose text (./values.ts) is c
 *   frequency(c)  = categories[c] / Σ categories   (0 for a category the reference never had)
 *
 * Categories are listed in code-unit order (deterministic JSON). Missing values and type
 * violations are counted and are not categories.
 */
import { checkCount } from '../weight.js'
import { compareText, type FeatureValue, readCategory } from './values.js'

export interface CategoricalProfile {
  readonly kind: 'categorical'
  readonly count: number
  readonly missing: number
  readonly typeViolations: number
  readonly nUnique: number
  readonly categories: Readonly<Record<string, number>>
}

/** `weights[i]`, when given, is how many times `column[i]` occurs (as ./numerical-profile.ts). */
export function categoricalProfile(column: readonly FeatureValue[], weights?: readonly number[]): CategoricalProfile {
  const counts = new Map<string, number>()
  let count = 0
  let missing = 0
  let typeViolations = 0
  for (const [i, v] of column.entries()) {
    const w = weights === undefined ? 1 : checkCount(weights[i] as number)
    count += w
    const r = readCategory(v)
    if (r.kind === 'missing') missing += w
    else if (r.kind === 'violation') typeViolations += w
    else counts.set(r.value, (counts.get(r.value) ?? 0) + w)
  }
  const sorted = [...counts.entries()].sort(([a], [b]) => compareText(a, b))
  return { kind: 'categorical', count, missing, typeViolations, nUnique: sorted.length, categories: Object.fromEntries(sorted) }
}
