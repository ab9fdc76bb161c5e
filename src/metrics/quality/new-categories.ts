/**
 * A bounded record of the categories a window saw that the reference never had.
 *
 * Only the `limit` smallest categories (code-unit order) are kept, each with its exact count.
 * Keeping the smallest keys makes the bound mergeable: a category among the `limit` smallest
 * of the union is among the `limit` smallest of every part that saw it, so no part ever
 * dropped it and its count is exact, and merge stays associative. `truncated` says whether
 * categories were dropped; it is exact too (the union of parts that each fit can overflow only
 * at a merge, where it is noticed). The total number of observations in new categories is
 * kept separately (feature-quality.ts) and never truncated.
 */
import { compareText } from '../profile/index.js'

export const NEW_CATEGORIES_KEPT = 20

export interface NewCategories {
  categories: Record<string, number>
  truncated: boolean
}

export function emptyNewCategories(): NewCategories {
  return { categories: {}, truncated: false }
}

function bounded(counts: Map<string, number>, truncated: boolean, limit: number): NewCategories {
  const keys = [...counts.keys()].sort(compareText)
  const kept = keys.slice(0, limit)
  return { categories: Object.fromEntries(kept.map((k) => [k, counts.get(k) as number])), truncated: truncated || keys.length > limit }
}

/** Adds `count` observations of `category` (mutates and returns `state`). */
export function addNewCategory(state: NewCategories, category: string, limit = NEW_CATEGORIES_KEPT, count = 1): NewCategories {
  if (Object.hasOwn(state.categories, category)) {
    state.categories[category] = (state.categories[category] as number) + count
    return state
  }
  const next = bounded(new Map([...Object.entries(state.categories), [category, count]]), state.truncated, limit)
  state.categories = next.categories
  state.truncated = next.truncated
  return state
}

export function mergeNewCategories(a: NewCategories, b: NewCategories, limit = NEW_CATEGORIES_KEPT): NewCategories {
  const counts = new Map(Object.entries(a.categories))
  for (const [k, c] of Object.entries(b.categories)) counts.set(k, (counts.get(k) ?? 0) + c)
  return bounded(counts, a.truncated || b.truncated, limit)
}
