/**
 * Calls fn on every item with at most `limit` calls in flight, and reports each result as it
 * arrives (`onResult(result, index, done)`), so a page can draw progress or partial results.
 * Resolves to the results in the items' order; rejects with the first error (calls already
 * started still finish, no new one starts).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, onResult?: (result: R, index: number, done: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let done = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        out[i] = await fn(items[i]!, i)
      } catch (e) {
        failed = true
        throw e
      }
      done++
      onResult?.(out[i]!, i, done)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return out
}
