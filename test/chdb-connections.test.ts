/**
 * The embedded engine runs a store's statements at the same time (src/store/clickhouse.ts,
 * CHDB_CONNECTIONS): one chDB connection runs one statement after another, so a write of one batch
 * held up the next batch's reads and every reader. Proved with the engine's own list of running
 * statements, not with timings: a statement that sees another one running in system.processes ran
 * while it did.
 */
import { describe, expect, it } from 'vitest'
import { CHDB_CONNECTIONS } from '../src/store/clickhouse.js'
import { insertRows } from '../src/store/insert.js'
import { storeOnlyApp } from './support/store-app.js'
import { count, queryRows } from './support/query.js'

/**
 * The running statements tagged `tag`, read until `want` are seen or `slow` settles: a statement
 * the engine has not started yet when the first read runs (a cold engine) is seen by a later one.
 * Were the statements run one after another, every read would wait for `slow` and see none.
 */
async function seenRunning(store: Parameters<typeof count>[0], tag: string, want: number, slow: Promise<unknown>): Promise<number> {
  let settled = false
  void slow.then(() => (settled = true), () => (settled = true))
  let seen = 0
  while (!settled && seen < want) {
    seen = Math.max(seen, await count(store, `SELECT count() AS c FROM system.processes WHERE query LIKE '%${tag}%' AND query NOT LIKE '%system.processes%'`))
  }
  return seen
}

describe('the embedded store', () => {
  const started = storeOnlyApp()

  it('runs a statement while another one is still running', async () => {
    const { store } = started.app
    expect(store.kind).toBe('chdb')
    // Long enough to be running when the next statement starts, whatever the machine's load.
    const slow = queryRows(store, "SELECT sleep(2) AS s, 'connections-test-slow' AS tag")
    const running = await seenRunning(store, 'connections-test-slow', 1, slow)
    await slow
    expect(running).toBe(1)
  })

  it(`runs up to ${CHDB_CONNECTIONS} statements at once, every one on the same data`, async () => {
    const { store } = started.app
    const slow = Array.from({ length: CHDB_CONNECTIONS - 1 }, (_, i) => queryRows(store, `SELECT sleep(2) AS s, 'connections-test-many-${i}' AS tag`))
    const running = await seenRunning(store, 'connections-test-many-', CHDB_CONNECTIONS - 1, Promise.all(slow))
    await Promise.all(slow)
    expect(running).toBe(CHDB_CONNECTIONS - 1)
  })

  it('reads on one connection what an insert wrote through another', async () => {
    const { store } = started.app
    // Idle, every call goes to the first connection; while the sleep holds it, the table and
    // its rows are written through another. Once both settled, the count runs on the first.
    const slow = queryRows(store, "SELECT sleep(1) AS s, 'connections-test-visibility' AS tag")
    await store.client.command({ query: `CREATE TABLE ${store.database}.connections_test (n UInt32) ENGINE = MergeTree ORDER BY n` })
    await store.client.insert({ table: `${store.database}.connections_test`, values: [{ n: 1 }, { n: 2 }], format: 'JSONEachRow' })
    await slow
    expect(await count(store, 'SELECT count() AS c FROM {db}.connections_test')).toBe(2)
  })

  it("keeps no call's settings for the calls after it on the same connection", async () => {
    const { store } = started.app
    // A deduplication window, as the tables whose inserts carry a token have: an insert that
    // inherited the first one's token would be taken for its repeat and dropped.
    await store.client.command({
      query: `CREATE TABLE ${store.database}.settings_test (n UInt32) ENGINE = MergeTree ORDER BY n SETTINGS non_replicated_deduplication_window = 100`,
    })
    await store.client.insert({
      table: `${store.database}.settings_test`,
      values: [{ n: 1 }],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: 'settings-test-token' },
    })
    // One after another, every call goes to the connection the token's insert ran on.
    for (let n = 2; n <= 4; n++) await store.client.insert({ table: `${store.database}.settings_test`, values: [{ n }], format: 'JSONEachRow' })
    expect(await count(store, 'SELECT count() AS c FROM {db}.settings_test')).toBe(4)
    const left = await queryRows<{ value: string }>(store, "SELECT value FROM system.settings WHERE name = 'insert_deduplication_token'")
    expect(left).toEqual([{ value: '' }])
  })

  it("gives no call queued beside a call with settings of its own those settings", async () => {
    const { store } = started.app
    const setting = async (s?: Record<string, number>) =>
      (await (await store.client.query({ query: "SELECT getSetting('max_threads') AS v, sleep(0.3) AS s", format: 'JSONEachRow', ...(s ? { clickhouse_settings: s } : {}) })).json<{ v: number | string }>())[0]!.v.toString()
    const engineDefault = await setting()
    const own = String(Number(engineDefault) + 1)
    // Every connection busy; then the call with its own setting, and more calls than connections,
    // so that some are queued on the connection the setting's call runs on.
    const busy = Array.from({ length: CHDB_CONNECTIONS }, () => queryRows(store, 'SELECT sleep(1) AS s'))
    const mine = setting({ max_threads: Number(own) })
    const others = Array.from({ length: 2 * CHDB_CONNECTIONS }, () => setting())
    expect(await mine).toBe(own)
    expect(new Set(await Promise.all(others))).toEqual(new Set([engineDefault]))
    await Promise.all(busy)
  })

  it('takes an insert repeated with its deduplication token for a repeat, and only that one', async () => {
    const { store } = started.app
    await store.client.command({
      query: `CREATE TABLE ${store.database}.token_test (n UInt32) ENGINE = MergeTree ORDER BY n SETTINGS non_replicated_deduplication_window = 100`,
    })
    await insertRows(store, 'token_test', [{ n: 1 }, { n: 2 }], 'token-test-a')
    await insertRows(store, 'token_test', [{ n: 1 }, { n: 2 }], 'token-test-a')
    await insertRows(store, 'token_test', [{ n: 1 }, { n: 2 }], 'token-test-b')
    expect(await count(store, 'SELECT count() AS c FROM {db}.token_test')).toBe(4)
    await store.client.insert({ table: `${store.database}.token_test`, values: [{ n: 3 }], format: 'JSONEachRow' })
    expect(await count(store, 'SELECT count() AS c FROM {db}.token_test')).toBe(5)
  })
})
