/**
 * Aligning categorical counts: reference and current counts are laid out over the union of
 * their categories (reference categories first, in their order, then categories only the
 * current window has), so categorical statistics can reuse the binned ones.
 *
 * A category is "unseen" when the current window has it and the reference count is 0
 * (absent or an explicit zero). Unseen categories are kept in the comparison (they are
 * usually the drift) and also reported: how many categories, and how many current
 * observations fell into them.
 */

export type CategoryCounts = ReadonlyMap<string, number> | Readonly<Record<string, number>>

export interface AlignedCategories {
  readonly categories: readonly string[]
  readonly reference: readonly number[]
  readonly current: readonly number[]
  readonly unseenCategories: number
  readonly unseenCount: number
}

export function alignCategories(reference: CategoryCounts, current: CategoryCounts): AlignedCategories {
  const ref = toMap(reference)
  const cur = toMap(current)
  const categories = [...ref.keys()]
  for (const k of cur.keys()) if (!ref.has(k)) categories.push(k)
  let unseenCategories = 0
  let unseenCount = 0
  for (const [k, c] of cur) {
    if (c > 0 && !((ref.get(k) ?? 0) > 0)) {
      unseenCategories++
      unseenCount += c
    }
  }
  return {
    categories,
    reference: categories.map((k) => ref.get(k) ?? 0),
    current: categories.map((k) => cur.get(k) ?? 0),
    unseenCategories,
    unseenCount,
  }
}

function toMap(counts: CategoryCounts): ReadonlyMap<string, number> {
  return counts instanceof Map ? counts : new Map(Object.entries(counts as Readonly<Record<string, number>>))
}
