/**
 * Lookups that arrive while one is running are merged into the next one. The batches of the
 * partitions handled at the same time each need a lookup of prediction ids before they can store
 * (src/kafka/source.ts), and such a lookup costs about the same for 10 ids as for 30,000: it reads
 * the stored ids, not the batch (a bloom filter cannot skip a part for thousands of ids). Under
 * load the waiting batches share one query instead of queueing one each; alone, a batch's lookup
 * starts at once, as before.
 *
 * Each caller gets the merged result, a map in which it reads what its own keys found.
 * A failure rejects every caller of that query; each retries on its own.
 */
export function coalescing<I, K, V>(run: (keys: I[]) => Promise<ReadonlyMap<K, V>>): (keys: readonly I[]) => Promise<ReadonlyMap<K, V>> {
  let running: Promise<void> | null = null
  let waiting: { readonly keys: I[]; readonly result: Promise<ReadonlyMap<K, V>> } | null = null

  const start = (keys: I[]): Promise<ReadonlyMap<K, V>> => {
    const result = run(keys)
    const settled = result.then(
      () => undefined,
      () => undefined,
    )
    running = settled
    void settled.then(() => {
      if (running === settled) running = null
    })
    return result
  }

  return (keys) => {
    if (running === null) return start([...keys])
    if (waiting === null) {
      const merged: I[] = []
      const result = running.then(() => {
        waiting = null
        return start(merged)
      })
      waiting = { keys: merged, result }
    }
    for (const k of keys) waiting.keys.push(k)
    return waiting.result
  }
}
