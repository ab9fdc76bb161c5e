/**
 * What background merges cost the embedded engine, by `merge_selector_base` (src/store/clickhouse.ts,
 * CHDB_ENGINE_CONFIG): batches of 12,000 bench predictions (16 numeric + 4 string features),
 * inserted as Store.insertRowBinary inserts them, into copies of the predictions table that differ
 * only in that setting, one copy after the other, each left to finish its merges before the next.
 * Per copy: the CPU of the engine's merge threads (`MergeMutate`) and of the rest of the process
 * per row, the highest number of active parts seen after an insert, and the parts left. Prints
 * one JSON line per copy.
 *
 *   tsx scripts/bench/engine-merges.ts [inserts=100] [bases=5,10]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { RowBuffer } from '../../src/store/row-buffer.js'
import { PREDICTION_ROW, predictionRow } from '../../src/store/rows.js'
import { syntheticPrediction } from './join-memory.js'
import { threadCpuDelta, threadCpuMs } from './threads.js'

const inserts = Number(process.argv[2] ?? 100)
const bases = (process.argv[3] ?? '5,10').split(',').map(Number)
const ROWS = 12_000

const dir = mkdtempSync(join(tmpdir(), 'driftwatch-merges-'))
const store = openStore({ url: null, user: '', password: '', database: 'merges', dataDir: dir })
const count = async (sql: string) => Number(((await (await store.client.query({ query: sql, format: 'JSONEachRow' })).json()) as { c: string }[])[0]!.c)
try {
  await migrate(store)
  const privacy = { pseudonymize: (s: string) => s, piiFeatures: () => new Set<string>() }
  const t0 = Date.now() - 86_400_000
  const batch = (from: number) => {
    const out = new RowBuffer()
    for (let j = 0; j < ROWS; j++) predictionRow(out, syntheticPrediction(from + j, t0), { topic: 'merges', partition: 0, offset: String(from + j) }, privacy)
    return Buffer.from(out.buf.subarray(0, out.pos))
  }
  const payloads = Array.from({ length: inserts }, (_, i) => batch(i * ROWS))
  for (const base of bases) {
    const table = `predictions_base${base}`
    await store.client.command({ query: `CREATE TABLE merges.${table} AS merges.predictions SETTINGS merge_selector_base = ${base}` })
    const activeParts = () => count(`SELECT count() AS c FROM system.parts WHERE database = 'merges' AND table = '${table}' AND active`)
    const threads0 = threadCpuMs()
    let maxParts = 0
    for (const [i, payload] of payloads.entries()) {
      await store.insertRowBinary(table, PREDICTION_ROW, payload, `${table}-${i}`)
      maxParts = Math.max(maxParts, await activeParts())
    }
    // Merges still running, or about to be chosen, belong to this copy: wait until none runs for 2 s.
    for (let idle = 0; idle < 20; ) {
      idle = (await count(`SELECT count() AS c FROM system.merges WHERE database = 'merges'`)) === 0 ? idle + 1 : 0
      await new Promise((r) => setTimeout(r, 100))
    }
    const byThread = threadCpuDelta(threads0, threadCpuMs())
    const merge = byThread['MergeMutate'] ?? 0
    const rest = Object.entries(byThread).reduce((s, [k, v]) => (k === 'MergeMutate' ? s : s + v), 0)
    const perRow = (ms: number) => +((ms * 1000) / (inserts * ROWS)).toFixed(2)
    console.log(JSON.stringify({ merge_selector_base: base, rows: inserts * ROWS, merge_us_per_row: perRow(merge), other_us_per_row: perRow(rest), max_active_parts: maxParts, parts_left: await activeParts() }))
    await store.client.command({ query: `DROP TABLE merges.${table} SYNC` })
  }
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
