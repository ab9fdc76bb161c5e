/**
 * Finding the items of a batch that make an operation fail, when the batch as a whole failed and
 * the failure does not say which items caused it. Used for rows ClickHouse refuses
 * (src/store/refusals.ts) and for records a batch-level step fails on (src/pipeline/event-handler.ts).
 * Pure: the operation comes in as `tryRange`.
 */

/** Items [start, end) of the batch, failed with `why`. One item: exactly that item; more: the budget ran out. */
export interface FailedRange<E> {
  readonly start: number
  readonly end: number
  readonly why: E
}

/**
 * Runs the operation on items [start, end): null once it succeeded, the failure when it failed
 * in a way the items decide. Anything else (a transient failure) it throws, which ends the search.
 */
export type TryRange<E> = (start: number, end: number) => Promise<E | null>

/**
 * Finds the failing items of a batch of `n` items whose operation as a whole failed with `first`.
 * A failed range is split around the item `hintOf` names (1-based within the range: the items
 * before it, it alone, the items after it), or in halves when it names none, and each piece is
 * tried; failed pieces are split again. An item is only ever tried alone as a leaf, and its
 * failure is the verdict. Once `maxTries` tries are spent, the pieces already cut are still tried
 * once each (at most two per level of the recursion, so the total stays within about
 * maxTries + 2·log2(n) for halves), but a failed range is no longer split and is returned whole.
 * Pieces are visited in order, so the same batch tried again is cut into the same ranges: callers
 * derive each try's deduplication token from them.
 */
export async function bisectFailures<E>(
  n: number,
  first: E,
  tryRange: TryRange<E>,
  maxTries: number,
  hintOf: (why: E) => number | null = () => null,
): Promise<{ failed: FailedRange<E>[]; tries: number }> {
  const failed: FailedRange<E>[] = []
  let tries = 0
  const solve = async (start: number, end: number, why: E): Promise<void> => {
    if (end - start <= 1 || tries >= maxTries) return void failed.push({ start, end, why })
    const hint = hintOf(why)
    const cuts =
      hint !== null && hint >= 1 && hint <= end - start
        ? [start, start + hint - 1, start + hint, end]
        : [start, start + Math.ceil((end - start) / 2), end]
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [a, b] = [cuts[i]!, cuts[i + 1]!]
      if (a === b) continue
      tries++
      const piece = await tryRange(a, b)
      if (piece !== null) await solve(a, b, piece)
    }
  }
  await solve(0, n, first)
  return { failed, tries }
}
