import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { Store } from '../store/clickhouse.js'
import { storeWritesOf, trackStoreWrites } from './store-writes.js'

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })

/** A store whose writes fail with `failure()` while it returns one; queries always answer. */
function fakeStore(failure: () => unknown) {
  const fail = async () => {
    const e = failure()
    if (e) throw e
  }
  const client = { insert: async () => (await fail(), { executed: true, query_id: 'q' }), query: async () => 'queried' } as unknown as ClickHouseClient
  const store: Store = {
    client, kind: 'chdb', database: 'db', location: '/tmp',
    insertRowBinary: fail,
    withStringSet: async (_values, use) => (await fail(), use({ sql: '(SELECT v)', params: {} })),
    streamRowBinary: async () => undefined,
    close: async () => undefined,
  }
  return store
}

describe('trackStoreWrites', () => {
  it('marks the store failing when an insert fails, with the code insert.ts gives it, and taking writes once one succeeds', async () => {
    let failure: unknown = null
    const store = trackStoreWrites(fakeStore(() => failure))
    const writes = storeWritesOf(store)!
    expect(writes.failure()).toBeNull()
    failure = Object.assign(new Error('Cannot reserve 1.00 MiB, not enough space'), { type: 'NOT_ENOUGH_SPACE', code: '243' })
    await expect(store.client.insert({ table: 'db.metrics', values: [{}], format: 'JSONEachRow' })).rejects.toThrow('not enough space')
    expect(writes.failure()).toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE' })
    expect(writes.failureError()).toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE', retriable: true, message: 'writes to ClickHouse fail: Cannot reserve 1.00 MiB, not enough space' })
    failure = null
    await store.insertRowBinary('predictions', { columns: [], structure: '' }, Buffer.from('x'), 't')
    expect(writes.failure()).toBeNull()
    // Queries pass through, unwatched.
    expect(await (store.client.query as unknown as () => Promise<string>)()).toBe('queried')
  })

  it("counts a string set's file that cannot be written, but not a failure of the query that uses it", async () => {
    let failure: unknown = null
    const store = trackStoreWrites(fakeStore(() => failure))
    const writes = storeWritesOf(store)!
    await expect(store.withStringSet(['a'], async () => Promise.reject(new Error('UNKNOWN_TABLE')))).rejects.toThrow('UNKNOWN_TABLE')
    expect(writes.failure()).toBeNull()
    failure = new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', "the embedded engine's file /d/chdb-files/1-set.tsv cannot be written (ENOSPC)", { cause: enospc(), retriable: true })
    await expect(store.withStringSet(['a'], async () => 1)).rejects.toThrow('cannot be written (ENOSPC)')
    expect(writes.failureError()).toBe(failure)
    // A set written is no proof that inserts work again: only an insert clears the failure.
    failure = null
    await store.withStringSet(['a'], async () => 1)
    expect(writes.failure()).not.toBeNull()
  })

  it('does not count a refusal of the rows themselves', async () => {
    const store = trackStoreWrites(fakeStore(() => Object.assign(new Error('Cannot parse input'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', code: '27' })))
    await expect(store.insertRowBinary('predictions', { columns: [], structure: '' }, Buffer.from('x'), 't')).rejects.toThrow('Cannot parse')
    expect(storeWritesOf(store)!.failure()).toBeNull()
  })

  it('watches only the store it returns', () => {
    const inner = fakeStore(() => null)
    expect(storeWritesOf(trackStoreWrites(inner))).toBeDefined()
    expect(storeWritesOf(inner)).toBeUndefined()
  })
})
