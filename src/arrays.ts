/**
 * Loops for what spreading a list into a call would do. `Math.min(...values)` and
 * `target.push(...items)` pass every element as an argument, and V8 throws "Maximum call stack
 * size exceeded" past roughly 100,000 of them: a label batch of a backfill is that large. Code in
 * src/ uses these instead (arrays.test.ts checks that no call spreads a list).
 */

/** The least of `values` as Math.min gives it (NaN if any is NaN, Infinity for none), for any count. */
export function minOf(values: Iterable<number>): number {
  let least = Infinity
  for (const v of values) least = Math.min(least, v)
  return least
}

/** The greatest of `values` as Math.max gives it (NaN if any is NaN, -Infinity for none), for any count. */
export function maxOf(values: Iterable<number>): number {
  let greatest = -Infinity
  for (const v of values) greatest = Math.max(greatest, v)
  return greatest
}

/** Appends `items` to `target` in order, for any count; returns `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}
