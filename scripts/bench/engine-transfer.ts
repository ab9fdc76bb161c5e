/**
 * How data reaches the embedded engine, measured in one process on one chDB directory: the
 * engine's CPU (user + system of the whole process, which does nothing else meanwhile) per row
 * for a batch of bench predictions (16 numeric + 4 string features) written as RowBinary to a
 * file the engine reads, two ways: as a table (`INSERT … SELECT * FROM file(…, RowBinary, …)`,
 * Store.insertRowBinary in embedded mode) and as the insert's input (`INSERT … FROM INFILE …
 * FORMAT RowBinary`); into the predictions table and into a Null table of the same columns
 * (parsing alone). And per
 * lookup, the prediction-id screen of 10,800 ids among N stored predictions with the ids as a
 * query parameter (`{ids:Array(String)}`) and as a file (Store.withStringSet in embedded mode).
 * Medians of repeated runs, alternatives taken in turn. Prints one JSON line.
 *
 *   tsx scripts/bench/engine-transfer.ts [storedPredictions=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lookupModelsById } from '../../src/join/lookup.js'
import { writeFileSync } from 'node:fs'
import { openStore, parameterStringSet } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { RowBuffer } from '../../src/store/row-buffer.js'
import { PREDICTION_ROW, predictionRow } from '../../src/store/rows.js'
import { syntheticPrediction } from './join-memory.js'

const stored = Number(process.argv[2] ?? 200_000)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
async function cpuMs(run: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage()
  await run()
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / 1000
}
/** Median CPU of each way, the ways taken in turn (background merges then fall on each alike). */
async function medianCpuMs(times: number, ways: readonly ((i: number) => Promise<unknown>)[]): Promise<number[]> {
  for (const way of ways) await way(-1) // warm up
  const xs: number[][] = ways.map(() => [])
  for (let i = 0; i < times; i++) for (const [w, way] of ways.entries()) xs[w]!.push(await cpuMs(() => way(i)))
  return xs.map(median)
}

const dir = mkdtempSync(join(tmpdir(), 'driftwatch-transfer-'))
const store = openStore({ url: null, user: '', password: '', database: 'transfer', dataDir: dir })
try {
  await migrate(store)
  const privacy = { pseudonymize: (s: string) => s, piiFeatures: () => new Set<string>() }
  const t0 = Date.now() - 86_400_000
  const batch = (from: number, n: number) => {
    const out = new RowBuffer()
    for (let j = 0; j < n; j++) predictionRow(out, syntheticPrediction(from + j, t0), { topic: 'transfer', partition: 0, offset: String(from + j) }, privacy)
    return Buffer.from(out.buf.subarray(0, out.pos))
  }
  const rows = 6_000
  const payload = batch(0, rows)
  await store.client.command({ query: 'CREATE TABLE transfer.discard AS transfer.predictions ENGINE = Null' })
  const asTable = (table: string) => (i: number) => store.insertRowBinary(table, PREDICTION_ROW, payload, `table-${table}-${i}`)
  const infile = join(dir, 'rows.bin')
  const asInput = (table: string) => async (i: number) => {
    writeFileSync(infile, payload) // as insertRowBinary writes its file
    await store.client.command({ query: `INSERT INTO transfer.${table} (${PREDICTION_ROW.columns.join(', ')}) FROM INFILE '${infile}' SETTINGS insert_deduplication_token = 'input-${table}-${i}' FORMAT RowBinary` })
  }
  const perRowUs = (ms: number) => Math.round((ms * 1000 * 100) / rows) / 100
  const [discardTable, discardInput] = await medianCpuMs(9, [asTable('discard'), asInput('discard')])
  const [predictionsTable, predictionsInput] = await medianCpuMs(9, [asTable('predictions'), asInput('predictions')])
  const insert = {
    rows,
    bytesPerRow: Math.round(payload.length / rows),
    discardFileTableUsPerRow: perRowUs(discardTable!),
    discardInfileUsPerRow: perRowUs(discardInput!),
    predictionsFileTableUsPerRow: perRowUs(predictionsTable!),
    predictionsInfileUsPerRow: perRowUs(predictionsInput!),
  }
  await store.client.command({ query: 'TRUNCATE TABLE transfer.predictions' })
  for (let i = 0; i < stored; i += 10_000) await store.insertRowBinary('predictions', PREDICTION_ROW, batch(1_000_000 + i, Math.min(10_000, stored - i)), `fill-${i}`)
  const ids = (i: number) => Array.from({ length: 10_800 }, (_, j) => `absent-${i}-${j}`)
  const asParameter = { ...store, withStringSet: parameterStringSet }
  const [parameterMs, fileMs] = await medianCpuMs(9, [(i) => lookupModelsById(asParameter, ids(i)), (i) => lookupModelsById(store, ids(i))])
  const lookup = { storedPredictions: stored, ids: 10_800, parameterMs: Math.round(parameterMs!), fileMs: Math.round(fileMs!) }
  console.log(JSON.stringify({ insert, lookup }))
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
