/**
 * `fn` over `items` with at most `limit` calls running at once, results in the order of
 * `items`. For work that issues one query per item (a page of models, each with its own
 * lookups): Promise.all over the page would send them all at once. A rejection rejects the whole,
 * after the calls already started have settled. Pure apart from what `fn` does.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!, i)
    }
  }
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  return results
}
