/**
 * The prediction-id rule's cost against stored history, on embedded chDB: what a batch of fresh
 * ids cost when every batch looked its ids up in the table (`lookupModelsById`, the rule before
 * the filter of stored ids), against what the filter costs (src/join/id-filter.ts): one read of
 * the table's id hashes per assignment of partitions, then a test in memory per id.
 *
 * History is generated inside the engine as ./evaluate-history.ts does (random-looking ids). For
 * each size: the median CPU (this process, chDB's threads included) and wall time of a lookup of
 * 8,000 fresh ids, of a read of the filter, and of testing the same ids against it; the resident
 * set before and after the read. Prints one JSON line per size.
 *
 *   npx tsx scripts/bench/id-screen.ts [SIZES=200000,1000000,5000000] [REPS=5]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IdFilter } from '../../src/join/id-filter.js'
import { countStoredPredictions, loadStoredIdHashes, lookupModelsById } from '../../src/join/lookup.js'
import { openStore } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { predictionsSql } from './evaluate-history.js'

const sizes = (process.argv[2] ?? '200000,1000000,5000000').split(',').map(Number)
const reps = Number(process.argv[3] ?? 5)
const BATCH = 8_000
const HOUR = 3_600_000
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; cpuMs: number; wallMs: number }> {
  const c = process.cpuUsage()
  const t = performance.now()
  const value = await f()
  const used = process.cpuUsage(c)
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t }
}

for (const stored of sizes) {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-ids-'))
  const store = openStore({ url: null, user: 'default', password: '', database: `benchids${Date.now().toString(36)}`, dataDir })
  try {
    await migrate(store)
    const startMs = Math.floor(Date.now() / HOUR) * HOUR - 1000 * HOUR
    for (let i = 0; i < stored; i += 2_000_000) {
      const n = Math.min(2_000_000, stored - i)
      await store.client.command({ query: predictionsSql(store.database, 'h-', i, n, startMs + Math.floor((i / stored) * 999) * HOUR, Math.max(1, Math.floor((n / stored) * 999))) })
    }
    await store.client.command({ query: `SYSTEM STOP MERGES ${store.database}.predictions` })
    const lookups: { cpuMs: number; wallMs: number }[] = []
    const reads: { cpuMs: number; wallMs: number }[] = []
    const tests: { cpuMs: number; wallMs: number }[] = []
    let rssGrowthMiB = 0
    for (let r = 0; r < reps; r++) {
      const ids = Array.from({ length: BATCH }, (_, i) => `fresh-${r}-${i}-${(i * 2654435761) >>> 0}`)
      const lookup = await timed(() => lookupModelsById(store, ids))
      if (lookup.value.size !== 0) throw new Error('fresh ids were found stored')
      lookups.push(lookup)
      global.gc?.()
      const rssBefore = process.memoryUsage().rss
      const read = await timed(async () => {
        const count = await countStoredPredictions(store)
        const filter = new IdFilter(Math.max(1 << 18, 2 * count))
        const rows = await loadStoredIdHashes(store, (h1, h2) => filter.addHashes(h1, h2))
        if (rows !== count) throw new Error(`read ${rows} ids of ${count}`)
        return filter
      })
      rssGrowthMiB = Math.max(rssGrowthMiB, (process.memoryUsage().rss - rssBefore) / 2 ** 20)
      reads.push(read)
      const test = await timed(async () => ids.filter((id) => read.value.mayHold(id)).length)
      tests.push(test)
    }
    const med = (xs: readonly { cpuMs: number; wallMs: number }[]) => ({ cpu_ms: +median(xs.map((x) => x.cpuMs)).toFixed(1), wall_ms: +median(xs.map((x) => x.wallMs)).toFixed(1) })
    console.log(
      JSON.stringify({
        stored_predictions: stored,
        batch_ids: BATCH,
        lookup_per_batch: med(lookups),
        filter_read_per_assignment: med(reads),
        filter_test_per_batch: med(tests),
        filter_read_rss_growth_mib: Math.round(rssGrowthMiB),
        filter_mib: +((Math.ceil((Math.max(1 << 18, 2 * stored) * 20) / 32) * 4) / 2 ** 20).toFixed(1),
      }),
    )
  } finally {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
