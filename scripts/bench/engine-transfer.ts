/**
 * How data reaches the embedded engine, measured in one process on one chDB directory: the
 * engine's CPU (user + system of the whole process, which does nothing else meanwhile) per row
 * for a batch of bench predictions (20 features) inserted
 *
 * - inline, through chDB's raw passthrough insert (Session.insert, the payload after the
 *   statement), and
 * - from a file the engine reads (`INSERT … FROM INFILE`, Store.insertTsv in embedded mode),
 *
 * into the predictions table and into a Null table of String columns (parsing alone); and per
 * lookup, the prediction-id screen of 10,800 ids among N stored predictions with the ids as a
 * query parameter (`{ids:Array(String)}`) and as a file (Store.withStringSet in embedded mode).
 * Medians of repeated runs, the two ways taken in turn. Prints one JSON line.
 *
 *   tsx scripts/bench/engine-transfer.ts [storedPredictions=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lookupModelsById } from '../../src/join/lookup.js'
import { openStore, parameterStringSet } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { PREDICTION_COLUMNS, predictionLine } from '../../src/store/rows.js'
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
  const batch = (from: number, n: number) =>
    Buffer.from(Array.from({ length: n }, (_, j) => predictionLine(syntheticPrediction(from + j, t0), { topic: 'transfer', partition: 0, offset: String(from + j) }, privacy)).join(''))
  const rows = 6_000
  const payload = batch(0, rows)
  const session = (createRequire(import.meta.url)('chdb') as typeof import('chdb')).Session
  // A second session on the same directory is the same engine (the store's own raw path until now).
  const engine = new session(join(dir, 'chdb'))
  const columns = PREDICTION_COLUMNS.map((c) => `${c} String`).join(', ')
  await store.client.command({ query: `CREATE TABLE transfer.discard (${columns}) ENGINE = Null` })
  const inline = (table: string, cols: readonly string[]) => (i: number) => engine.insert({ table: `transfer.${table}`, values: payload, format: 'TabSeparated', columns: [...cols], settings: { insert_deduplication_token: `inline-${table}-${i}` } })
  const fromFile = (table: string, cols: readonly string[]) => (i: number) => store.insertTsv(table, cols, payload, `file-${table}-${i}`)
  const perRowUs = (ms: number) => Math.round((ms * 1000 * 100) / rows) / 100
  const [discardInline, discardFile] = await medianCpuMs(9, [inline('discard', PREDICTION_COLUMNS), fromFile('discard', PREDICTION_COLUMNS)])
  const [predictionsInline, predictionsFile] = await medianCpuMs(9, [inline('predictions', PREDICTION_COLUMNS), fromFile('predictions', PREDICTION_COLUMNS)])
  const insert = {
    rows,
    bytesPerRow: Math.round(payload.length / rows),
    discardInlineUsPerRow: perRowUs(discardInline!),
    discardFileUsPerRow: perRowUs(discardFile!),
    predictionsInlineUsPerRow: perRowUs(predictionsInline!),
    predictionsFileUsPerRow: perRowUs(predictionsFile!),
  }
  await store.client.command({ query: 'TRUNCATE TABLE transfer.predictions' })
  for (let i = 0; i < stored; i += 10_000) await store.insertTsv('predictions', PREDICTION_COLUMNS, batch(1_000_000 + i, Math.min(10_000, stored - i)), `fill-${i}`)
  const ids = (i: number) => Array.from({ length: 10_800 }, (_, j) => `absent-${i}-${j}`)
  const asParameter = { ...store, withStringSet: parameterStringSet }
  const [parameterMs, fileMs] = await medianCpuMs(9, [(i) => lookupModelsById(asParameter, ids(i)), (i) => lookupModelsById(store, ids(i))])
  const lookup = { storedPredictions: stored, ids: 10_800, parameterMs: Math.round(parameterMs!), fileMs: Math.round(fileMs!) }
  console.log(JSON.stringify({ insert, lookup }))
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
