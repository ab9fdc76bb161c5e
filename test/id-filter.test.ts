/**
 * The filter of stored prediction ids (src/join/id-filter.ts) in front of the id rule: the engine
 * hashes stored ids as the process does, a load reads every stored copy in pages, and the rule
 * answers as it did with a lookup per batch: a fresh id without a query, a conflict with an id
 * stored before the start, by another writer before a reassignment, or past the filter's capacity.
 */
import { describe, expect, it } from 'vitest'
import { parseFileConfig } from '../src/config/file.js'
import type { PredictionEvent } from '../src/ingest/schemas.js'
import { idHashes } from '../src/join/id-filter.js'
import { Joiner, predictionKey } from '../src/join/joiner.js'
import { countStoredPredictions, loadStoredIdHashes } from '../src/join/lookup.js'
import { clientStreamRowBinary, type Store } from '../src/store/clickhouse.js'
import { createClient } from '@clickhouse/client'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { insertBinaryRows } from '../src/store/insert.js'
import { RowBuffer } from '../src/store/row-buffer.js'
import { PREDICTION_ROW, predictionRow } from '../src/store/rows.js'
import { prediction as event } from './support/events.js'
import { storeOnlyApp } from './support/store-app.js'

const T0 = Date.UTC(2026, 10, 20, 12)
const privacy = { pseudonymize: (s: string) => s, piiFeatures: () => new Set<string>() }
// No index: every id goes through the filter (and the lookup when the filter may hold it).
const file = parseFileConfig('models: []\njoin:\n  indexSize: 0\n', 'test.yaml')

const prediction = (id: string, model: string): PredictionEvent => event({ prediction_id: id, model_id: model, event_time: T0 })

let token = 0
async function store(app: ReturnType<typeof storeOnlyApp>['app'], events: readonly PredictionEvent[]): Promise<void> {
  const rows = new RowBuffer()
  events.forEach((e, i) => predictionRow(rows, e, { topic: 'id-filter', partition: 0, offset: String(i) }, privacy))
  await insertBinaryRows(app.store, 'predictions', PREDICTION_ROW, rows.buf.subarray(0, rows.pos), `id-filter-${token++}`)
}

function hashOf(id: string): string {
  const pair: [number, number] = [0, 0]
  idHashes(id, pair)
  return `${pair[0]}/${pair[1]}`
}

/** The engine's hashes of every stored copy, as text: what the stream must carry. */
async function hashesOfStoredIds(s: Store): Promise<string[]> {
  const text = await (await s.client.query({ query: `SELECT murmurHash3_32(prediction_id), xxHash32(prediction_id) FROM ${s.database}.predictions`, format: 'TabSeparated' })).text()
  return text.trim().split('\n').map((line) => line.replace('\t', '/'))
}

/**
 * An HTTP endpoint answering `SELECT … FORMAT RowBinary` (the body client.exec sends) with the
 * embedded engine's stream, chunk by chunk, cut at odd sizes so that rows span chunks.
 */
async function selectEndpoint(engine: Store): Promise<{ url: string; chunks: number; close(): Promise<void> }> {
  const state = { chunks: 0 }
  const server = createServer((req, res) => {
    const body: Buffer[] = []
    req.on('data', (c: Buffer) => body.push(c))
    req.on('end', () => {
      const query = Buffer.concat(body).toString()
      const select = /^(SELECT [^]*)\nFORMAT RowBinary$/.exec(query)
      if (!select) return void res.writeHead(400).end(`not a SELECT … FORMAT RowBinary: ${query}`)
      res.writeHead(200)
      void engine
        .streamRowBinary(select[1]!, (chunk) => {
          for (let i = 0; i < chunk.length; i += 13) {
            res.write(Buffer.from(chunk.subarray(i, i + 13)))
            state.chunks++
          }
        })
        .then(() => res.end(), (e: unknown) => res.destroy(e as Error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get chunks() {
      return state.chunks
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const codes = (problems: readonly ({ code: string } | null)[]) => problems.map((p) => p?.code ?? null)

describe('the filter of stored prediction ids', () => {
  const started = storeOnlyApp()

  it('is hashed by the engine as by the process, for any id', async () => {
    const odd = ['', 'a', 'tab\there', 'line\nbreak', "quote'\"\\", 'é漢字🙂', '\u0000nul', 'x'.repeat(300), '漢'.repeat(200)]
    const random = Array.from({ length: 2_000 }, (_, i) => {
      const chars = Array.from({ length: i % 70 }, (_, j) => String.fromCodePoint([0x61, 0xe9, 0x4e00, 0x1f600, 0x9][(i * 7 + j * 13) % 5]! + ((i * j) % 20)))
      return chars.join('')
    })
    const ids = [...odd, ...random]
    const text = await (
      await started.app.store.client.query({
        query: 'SELECT murmurHash3_32(s), xxHash32(s) FROM (SELECT arrayJoin({ids:Array(String)}) AS s)',
        query_params: { ids },
        format: 'TabSeparated',
      })
    ).text()
    const engine = text.trim().split('\n').map((line) => line.split('\t').map(Number))
    expect(engine).toHaveLength(ids.length)
    const mine = ids.map((id) => {
      const pair: [number, number] = [0, 0]
      idHashes(id, pair)
      return pair
    })
    expect(mine).toEqual(engine)
  })

  it('reads every stored copy once, embedded and from a server', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `read-${String(i).padStart(2, '0')}${i % 3 === 0 ? '\tx' : ''}`)
    await store(started.app, ids.map((id, i) => prediction(id, `read-model-${i % 4}`)))
    await store(started.app, [prediction('read-07', 'read-model-3')]) // a second copy in another part
    const want = (await hashesOfStoredIds(started.app.store)).sort()
    const loaded: string[] = []
    const rows = await loadStoredIdHashes(started.app.store, (h1, h2) => loaded.push(`${h1}/${h2}`))
    expect(rows).toBe(await countStoredPredictions(started.app.store))
    expect(loaded.sort()).toEqual(want)
    for (const id of [...ids, 'read-07']) expect(want).toContain(hashOf(id))
    // A server answers over HTTP (client.exec); here an endpoint that hands the statement to the same engine.
    const endpoint = await selectEndpoint(started.app.store)
    const server = { ...started.app.store, kind: 'server' as const, streamRowBinary: clientStreamRowBinary(createClient({ url: endpoint.url })) }
    try {
      const fromServer: string[] = []
      expect(await loadStoredIdHashes(server, (h1, h2) => fromServer.push(`${h1}/${h2}`))).toBe(rows)
      expect(fromServer.sort()).toEqual(want)
      expect(endpoint.chunks).toBeGreaterThan(1)
    } finally {
      await endpoint.close()
    }
  })

  it('answers fresh ids without a lookup and still finds an id stored before the start', async () => {
    await store(started.app, [prediction('before-start', 'model-a')])
    const joiner = new Joiner(started.app.store, file)
    const fresh = Array.from({ length: 500 }, (_, i) => prediction(`fresh-${i}`, 'model-b'))
    const problems = await joiner.screenPredictions([...fresh, prediction('before-start', 'model-b')].map(predictionKey))
    expect(codes(problems)).toEqual([...fresh.map(() => null), 'DW_PREDICTION_ID_CONFLICT'])
    // The filter answered the fresh ids; only the stored one (and the rare false positive) was looked up.
    expect(joiner.screenStats.fromFilter).toBeGreaterThanOrEqual(495)
    expect(joiner.screenStats.lookedUp).toBeLessThanOrEqual(6)
    expect(joiner.screenStats.loads).toBe(1)

    // Stored by this process: its next batch sees them without loading again.
    await store(started.app, fresh)
    await joiner.onPredictions(fresh.map(predictionKey), 'id-filter-fresh')
    const again = await joiner.screenPredictions([prediction('fresh-3', 'model-c'), prediction('fresh-3', 'model-b')].map(predictionKey))
    expect(codes(again)).toEqual(['DW_PREDICTION_ID_CONFLICT', null])
    expect(joiner.screenStats.loads).toBe(1)
  })

  it('sees what another writer stored, from the first batch after a reassignment', async () => {
    const mine = new Joiner(started.app.store, file)
    const theirs = new Joiner(started.app.store, file)
    expect(codes(await mine.screenPredictions([predictionKey(prediction('elsewhere-0', 'model-a'))]))).toEqual([null])
    // The other instance owned the partition meanwhile and stored the id for another model.
    expect(codes(await theirs.screenPredictions([predictionKey(prediction('moved', 'model-x'))]))).toEqual([null])
    await store(started.app, [prediction('moved', 'model-x')])
    await theirs.onPredictions([predictionKey(prediction('moved', 'model-x'))], 'id-filter-theirs')
    // Without a reassignment the filter is not read again: only a partition's owner writes its ids.
    expect(codes(await mine.screenPredictions([predictionKey(prediction('elsewhere-1', 'model-a'))]))).toEqual([null])
    expect(mine.screenStats.loads).toBe(1)
    // The partition comes back: the first batch after the reassignment sees what the other instance stored.
    mine.rereadStoredIds()
    expect(codes(await mine.screenPredictions([predictionKey(prediction('moved', 'model-a'))]))).toEqual(['DW_PREDICTION_ID_CONFLICT'])
    expect(mine.screenStats.loads).toBe(2)
  })

  it('loads a larger filter once the ids stored fill it, and misses none meanwhile', async () => {
    const joiner = new Joiner(started.app.store, file, { minIdFilterCapacity: 16 })
    await joiner.screenPredictions([])
    // The filter is made for twice the stored predictions: store that many more through the joiner.
    const stored = await countStoredPredictions(started.app.store)
    const batches = Math.ceil((2 * stored + 1) / 100) + 1
    const all: PredictionEvent[] = []
    for (let batch = 0; batch < batches; batch++) {
      const events = Array.from({ length: 100 }, (_, i) => prediction(`grow-${batch}-${i}`, 'model-g'))
      expect(codes(await joiner.screenPredictions(events.map(predictionKey)))).toEqual(events.map(() => null))
      await store(started.app, events)
      await joiner.onPredictions(events.map(predictionKey), `id-filter-grow-${batch}`)
      all.push(...events)
    }
    // The last batches found the filter full and started reading a larger one in the background.
    const deadline = Date.now() + 10_000
    while (joiner.screenStats.loads < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(joiner.screenStats.loads).toBeGreaterThanOrEqual(2)
    const others = all.map((e) => predictionKey({ ...e, model_id: 'model-other' }))
    expect(codes(await joiner.screenPredictions(others))).toEqual(others.map(() => 'DW_PREDICTION_ID_CONFLICT'))
  })

  it('stops growing at its largest capacity, reading it no more when full, and still misses no stored id', async () => {
    const joiner = new Joiner(started.app.store, file, { minIdFilterCapacity: 16, maxIdFilterCapacity: 32 })
    await joiner.screenPredictions([])
    expect(joiner.screenStats.loads).toBe(1)
    const all: PredictionEvent[] = []
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 50 }, (_, i) => prediction(`capped-${batch}-${i}`, 'model-c'))
      expect(codes(await joiner.screenPredictions(events.map(predictionKey)))).toEqual(events.map(() => null))
      await store(started.app, events)
      await joiner.onPredictions(events.map(predictionKey), `id-filter-capped-${batch}`)
      all.push(...events)
    }
    // Full from its read on (more is stored than it holds), and never read again: nearly every
    // fresh id is a "maybe", and looked up.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(joiner.screenStats.loads).toBe(1)
    expect(joiner.screenStats.lookedUp).toBeGreaterThan(100)
    const others = all.map((e) => predictionKey({ ...e, model_id: 'model-other' }))
    expect(codes(await joiner.screenPredictions(others))).toEqual(others.map(() => 'DW_PREDICTION_ID_CONFLICT'))
  })
})
